"""Narratives: the topics of the latest build (narratives.py), one topic's page, and the
directorate's "rebuild now". Articles and stories are the media's, not an agency's: every staff
member may read them (monitor_required)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from ravabet.core import charts, jalali, permissions
from ravabet.core.forms import JalaliDateField
from ravabet.monitoring import narratives as topics
from ravabet.monitoring.models import Narrative
from ravabet.monitoring.views import monitor_required


class RebuildForm(forms.Form):
    """A preset (the last 7, 30 or 90 days) or a period of Tehran days, for the directorate."""

    days = forms.TypedChoiceField(
        label="دوره",
        choices=[(d, f"{jalali.format_number(d)} روز گذشته") for d in topics.PRESETS],
        coerce=int,
        required=False,
    )
    first = JalaliDateField(label="از روز", required=False)
    last = JalaliDateField(label="تا روز", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if (first is None) != (last is None) and not self.errors:
            raise forms.ValidationError("برای دورهٔ دلخواه هر دو روز آغاز و پایان را بنویسید.")
        if first is not None and last is not None:
            today = jalali.to_local(timezone.now()).date()
            if first > last:
                raise forms.ValidationError("روز آغاز باید پیش از روز پایان باشد.")
            if first > today:
                raise forms.ValidationError("دوره باید پیش از امروز آغاز شده باشد.")
            if (last - first).days + 1 > topics.MAX_DAYS:
                raise forms.ValidationError(
                    f"دوره حداکثر {jalali.format_number(topics.MAX_DAYS)} روز است."
                )
        return data


def _share_chart(title: str, labels: list[str], values: list[float], ident: str) -> str:
    return charts.column_chart(
        labels,
        [charts.Series("سهم از همهٔ خبرها", values)],
        title=title,
        summary=f"{title}: سهم خبرهای این روایت از همهٔ خبرهای هر دوره",
        kind="line",
        value_format=lambda v: charts.percent(v, 1),
        whole=False,
        ident=ident,
        width=640,
        height=220,
    )


@monitor_required
def narratives(request: HttpRequest) -> HttpResponse:
    return _list(request, RebuildForm(initial={"days": topics.DEFAULT_DAYS}))


def _list(request: HttpRequest, form: RebuildForm, status: int = 200) -> HttpResponse:
    build = topics.current()
    context: dict[str, object] = {
        "build": build,
        "building": topics.is_building(),
        "may_rebuild": permissions.sees_all_agencies(request.user),
        "form": form,
    }
    if build is not None:
        attention = topics.attention(build.narratives, build.start, build.end)
        rising = topics.rising(build.narratives, build.start, build.end)
        context["rows"] = [
            {
                "narrative": n,
                "words": [w for w, _ in n.terms[:6]],
                "rising": rising.get(n.pk),
                "share": (
                    n.article_count / sum(attention.totals) if sum(attention.totals) else 0.0
                ),
                "chart": _share_chart(
                    f"توجه به روایت «{n.label}»",
                    attention.labels,
                    attention.shares[n.pk],
                    f"narrative-{n.pk}",
                ),
            }
            for n in build.narratives
        ]
        context["articles"] = sum(attention.totals)
        context["words"] = topics.top_words(build.narratives)
        context["sources"] = topics.top_sources(build.start, build.end)
    return render(request, "monitoring/narratives.html", context, status=status)


@monitor_required
def narrative(request: HttpRequest, pk: int) -> HttpResponse:
    item = Narrative.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    attention = topics.attention([item], item.window_start, item.window_end)
    rising = topics.rising([item], item.window_start, item.window_end)
    periods = [
        {"label": label, "total": total, "count": count, "share": share}
        for label, total, count, share in zip(
            attention.labels,
            attention.totals,
            attention.counts[item.pk],
            attention.shares[item.pk],
            strict=True,
        )
    ]
    context = {
        "narrative": item,
        "terms": [(w, wt) for w, wt in item.terms[: topics.TOP_TERMS]],
        "rising": rising.get(item.pk),
        "chart": _share_chart(
            f"توجه به روایت «{item.label}»",
            attention.labels,
            attention.shares[item.pk],
            f"narrative-{item.pk}",
        ),
        "words_chart": charts.bar_chart(
            [charts.Bar(w, wt) for w, wt in item.terms[: topics.TOP_TERMS]],
            title="واژه‌های روایت",
            summary="وزن هر واژه در روایت، نسبت به پروزن‌ترین",
            maximum=1.0,
            value_format=lambda v: charts.decimal(v, 2),
            ident=f"narrative-words-{item.pk}",
        ),
        "periods": periods,
        "sources": topics.top_sources(item.window_start, item.window_end, narrative=item),
        "stories": topics.narrative_stories(item),
    }
    return render(request, "monitoring/narrative.html", context)


@require_POST
@monitor_required
def narratives_rebuild(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.sees_all_agencies(request.user), topics.DIRECTORATE_ONLY)
    form = RebuildForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    topics.request_rebuild(
        actor=request.user,
        days=form.cleaned_data.get("days") or topics.DEFAULT_DAYS,
        first=form.cleaned_data.get("first"),
        last=form.cleaned_data.get("last"),
    )
    messages.success(request, "ساخت دوبارهٔ روایت‌ها در صف است؛ چند دقیقهٔ دیگر این صفحه را ببینید.")
    return redirect("monitoring:narratives")


urlpatterns = [
    path("narratives/", narratives, name="narratives"),
    path("narratives/<int:pk>/", narrative, name="narrative"),
    path("narratives/rebuild/", narratives_rebuild, name="narratives_rebuild"),
]
