"""The organisation model: counties, agencies and who works for which agency in which role.

Part of the kernel, so that permissions and the audit log import nothing above them. The app
keeps the label ``agencies`` it was born with: tables, migration history and content types stay.
"""
