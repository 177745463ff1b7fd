"""People: log in and out (rate limited), profile, API tokens, password change and reset."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ravabet.accounts"
    label = "accounts"
    verbose_name = "حساب‌ها"

    def ready(self) -> None:
        from ravabet.core.audit import register_labels

        register_labels(
            actions={
                "password.change": "تغییر گذرواژه",
                "password.reset_request": "درخواست بازنشانی گذرواژه",
                "password.reset": "بازنشانی گذرواژه",
            },
            states={},
        )
