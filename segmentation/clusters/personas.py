"""Persona names and descriptions per cluster, and the user's renames."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from .. import i18n
from .specs import value_label


@dataclass(frozen=True)
class _Trait:
    """A phrase used when a profile column is far enough from the average."""

    key: str
    column: str  # profile / z-score column
    direction: Literal[1, -1]
    min_z: float


#: The first adjective of a persona name: the first trait whose z-score passes
#: (``direction`` x z >= ``min_z``) wins. Phrases: ``cluster.persona.volume.<key>``.
VOLUME_TRAITS: tuple[_Trait, ...] = (
    _Trait("high_volume", "shipments_per_year", 1, 1.0),
    _Trait("high_value", "monetary_avg", 1, 1.0),
    _Trait("big_spender", "monetary_total", 1, 1.0),
    _Trait("lapsed", "recency_days", 1, 1.0),
    _Trait("regular", "shipments_per_year", 1, 0.1),
    _Trait("occasional", "shipments_per_year", -1, 0.5),
    _Trait("low_spend", "monetary_total", -1, 0.5),
    _Trait("new", "tenure_days", -1, 0.8),
)

#: Shipping days a year (the cluster's median) -> frequency phrase, first
#: band whose minimum is reached. Phrases: ``cluster.desc.freq.<key>``.
FREQUENCY_BANDS: tuple[tuple[str, float], ...] = (
    ("daily", 250.0), ("several_weekly", 100.0), ("weekly", 40.0), ("few_monthly", 20.0),
    ("monthly", 8.0), ("few_yearly", 3.0), ("rarely", 0.0),
)

#: Further description phrases, strongest |z| first, at most two of them.
#: Phrases: ``cluster.desc.<key>``. Service and channel phrases are built
#: separately (the most over-represented value of the mix).
DESCRIPTION_TRAITS: tuple[_Trait, ...] = (
    _Trait("high_spend", "monetary_total", 1, 0.5),
    _Trait("low_spend", "monetary_total", -1, 0.5),
    _Trait("high_value", "monetary_avg", 1, 0.5),
    _Trait("low_value", "monetary_avg", -1, 0.5),
    _Trait("large_batches", "pieces_per_shipment", 1, 0.5),
    _Trait("single_pieces", "pieces_per_shipment", -1, 0.5),
    _Trait("inactive", "recency_days", 1, 0.5),
    _Trait("recent", "recency_days", -1, 0.5),
    _Trait("long_standing", "tenure_days", 1, 0.5),
    _Trait("newcomers", "tenure_days", -1, 0.5),
    _Trait("satisfied", "satisfaction_avg", 1, 0.5),
    _Trait("unsatisfied", "satisfaction_avg", -1, 0.5),
    _Trait("complaining", "complaints_per_100", 1, 0.5),
    _Trait("mostly_urban", "area_type_urban", 1, 0.5),
    _Trait("mostly_rural", "area_type_rural", 1, 0.5),
)

#: A service whose over-representation names the persona ("express senders").
#: Other values are not named: standard service is what everybody uses.
_NAMED_SERVICES = ("express", "international", "cod", "parcel")
_MIX_MIN_Z = 0.5
_MIX_MIN_SHARE = 0.2
_MOSTLY = 0.4  # the largest value of a mix, with at least this share, is "mostly"
_BUSINESS, _PRIVATE = 0.6, 0.2  # enterprise share that makes a cluster "businesses"


def _z(zscores: pd.DataFrame, cluster: Any, column: str) -> float:
    if column not in zscores.columns or cluster not in zscores.index:
        return 0.0
    value = zscores.at[cluster, column]
    return 0.0 if pd.isna(value) else float(value)


def _passes(trait: _Trait, zscores: pd.DataFrame, cluster: Any) -> float:
    """The trait's strength (direction x z) when it passes, else 0."""
    strength = trait.direction * _z(zscores, cluster, trait.column)
    return strength if strength >= trait.min_z else 0.0


def _mix_trait(profiles: pd.DataFrame, zscores: pd.DataFrame, cluster: Any, prefix: str
               ) -> tuple[str, bool, float] | None:
    """The value a mix is known for: (value, is it "mostly", z), or ``None``.

    Among the values over-represented in the cluster (z >= 0.5) that make at
    least a fifth of its purchases, the one with the largest share; "mostly"
    when it is also the cluster's largest share and at least 40 %.
    """
    columns = [c for c in zscores.columns if c.startswith(prefix) and c in profiles.columns]
    if not columns:
        return None
    shares = profiles.loc[cluster, columns].astype(float).fillna(0.0)
    best = None
    for column in columns:
        z, share = _z(zscores, cluster, column), float(shares[column])
        if z >= _MIX_MIN_Z and share >= _MIX_MIN_SHARE and (best is None or share > best[1]):
            best = (column, share, z)
    if best is None:
        return None
    column, share, z = best
    mostly = share >= _MOSTLY and share >= float(shares.max())
    return column[len(prefix):], mostly, z


def _subject(profiles: pd.DataFrame, cluster: Any) -> str:
    column = "customer_type_enterprise"
    if column not in profiles.columns:
        return "mixed"
    share = profiles.at[cluster, column]
    if pd.isna(share):
        return "mixed"
    return "business" if share >= _BUSINESS else "individual" if share <= _PRIVATE else "mixed"


@dataclass
class _Persona:
    volume: str | None
    service: str | None
    channel: str | None
    subject: str
    phrases: list[tuple[float, str, dict[str, str]]]  # (strength, key, value params)
    frequency: str | None


def _persona(profiles: pd.DataFrame, zscores: pd.DataFrame, cluster: Any) -> _Persona:
    volume = next((t.key for t in VOLUME_TRAITS if _passes(t, zscores, cluster)), None)
    service = _mix_trait(profiles, zscores, cluster, "service_share_")
    channel = _mix_trait(profiles, zscores, cluster, "channel_share_")
    named = service[0] if service and service[0] in _NAMED_SERVICES else None
    # a channel names the persona only when nothing else distinguishes it
    channel_name = channel[0] if channel and not named and not volume else None
    phrases: list[tuple[float, str, dict[str, str]]] = []
    for mix, kind in ((service, "service"), (channel, "channel")):
        if mix is not None:
            value, mostly, z = mix
            key = f"mostly_{kind}" if mostly else f"more_{kind}"
            phrases.append((z, key, {"value": value}))
    for trait in DESCRIPTION_TRAITS:
        strength = _passes(trait, zscores, cluster)
        if strength:
            phrases.append((strength, trait.key, {}))
    frequency = None
    if "shipments_per_year" in profiles.columns:
        per_year = profiles.at[cluster, "shipments_per_year"]
        if pd.notna(per_year):
            frequency = next(k for k, lo in FREQUENCY_BANDS if per_year >= lo)
    return _Persona(volume, named, channel_name, _subject(profiles, cluster), phrases,
                    frequency)


def _name_text(p: _Persona, lang: str) -> str:
    volume = i18n.t(f"cluster.persona.volume.{p.volume}", lang) if p.volume else ""
    if p.service:
        service = i18n.t(f"cluster.persona.service.{p.service}", lang)
    elif p.channel:
        key = f"cluster.persona.channel.{p.channel}"
        service = i18n.t(key, lang) if i18n.has(key) else value_label(p.channel, lang)
    else:
        service = ""
    subject = i18n.t(f"cluster.persona.subject.{p.subject}", lang)
    text = " ".join(i18n.t("cluster.persona.name", lang, volume=volume, service=service,
                           subject=subject).split())
    return text[:1].upper() + text[1:]


def _phrase(key: str, params: Mapping[str, str], lang: str) -> str:
    values = {k: value_label(v, lang) for k, v in params.items()}
    return i18n.t(f"cluster.desc.{key}", lang, **values)


def _description(p: _Persona, lang: str, limit: int = 2) -> str:
    parts = [i18n.t(f"cluster.desc.freq.{p.frequency}", lang)] if p.frequency else []
    ranked = sorted(p.phrases, key=lambda item: -item[0])
    used: set[str] = set()
    for _, key, params in ranked:
        family = key.split("_", 1)[-1] if key.startswith(("mostly_", "more_")) else key
        if family in used:
            continue
        used.add(family)
        parts.append(_phrase(key, params, lang))
        if len(parts) >= limit + (1 if p.frequency else 0):
            break
    return i18n.t("cluster.phrase_sep", lang).join(parts) or i18n.t("cluster.desc.average",
                                                                     lang)


def persona_names(profiles: pd.DataFrame, zscores: pd.DataFrame,
                  lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """An automatic persona name and one-line description per cluster.

    Built from the cluster's distinguishing features (the tables
    :data:`VOLUME_TRAITS`, :data:`FREQUENCY_BANDS`, :data:`DESCRIPTION_TRAITS`):

    - **name** = volume adjective (first passing :data:`VOLUME_TRAITS` entry,
      e.g. "High-volume" when the frequency z-score is at least 1) + the most
      over-represented service if it is a distinctive one (express,
      cross-border, cash-on-delivery, parcel) + the subject ("business
      senders" when at least 60 % are enterprises, "individual senders" at
      most 20 %, else "senders"): "High-volume express business senders" /
      "高频特快企业客户";
    - **description** = the absolute shipping frequency of the cluster's
      median customer ("ship about weekly"), then the two strongest other
      traits (service and channel mix, spend, value, batch size, ...):
      "ship about weekly, mostly express, high spend" / "大约每周寄件，以特快为主，消费高".

    Names are unique: when two clusters would share a name, each gets its
    strongest description trait in brackets, and if that still collides,
    ``#<cluster>``.

    Parameters
    ----------
    profiles : :func:`cluster_profiles` (its feature columns are used).
    zscores : :func:`cluster_zscores` for the same clusters.
    lang : ``"en"`` or ``"zh"``.

    Returns
    -------
    DataFrame indexed like ``profiles`` with ``name`` and ``description`` (str).
    """
    personas = {c: _persona(profiles, zscores, c) for c in profiles.index}
    names = {c: _name_text(p, lang) for c, p in personas.items()}
    descriptions = {c: _description(p, lang) for c, p in personas.items()}
    names = _unique(names, personas, lang)
    out = pd.DataFrame({"name": pd.Series(names), "description": pd.Series(descriptions)},
                       index=profiles.index)
    return out.astype({"name": str, "description": str})


def _unique(names: dict[Any, str], personas: Mapping[Any, _Persona], lang: str
            ) -> dict[Any, str]:
    def collisions(current: Mapping[Any, str]) -> set[Any]:
        counts = pd.Series(list(current.values())).value_counts()
        return {c for c, n in current.items() if counts[n] > 1}

    clash = collisions(names)
    if clash:
        names = dict(names)
        for c in clash:
            ranked = sorted(personas[c].phrases, key=lambda item: -item[0])
            if ranked:
                _, key, params = ranked[0]
                names[c] = i18n.t("cluster.persona.suffix", lang, name=names[c],
                                  trait=_phrase(key, params, lang))
    for c in sorted(collisions(names)):
        names[c] = i18n.t("cluster.persona.numbered", lang, name=names[c], n=c)
    return names


def persona_key(n_clusters: int, features: Sequence[str]) -> str:
    """Key under which a page stores persona renames: they belong to one clustering.

    Cluster numbers mean something else with another k or other features, so
    a workspace keeps overrides per dataset *and* per ``persona_key``:
    ``"k=6|frequency,spend,..."``.
    """
    return f"k={int(n_clusters)}|{','.join(features)}"


def apply_names(auto_names: pd.Series | pd.DataFrame,
                overrides: Mapping[int | str, str] | None) -> pd.Series | pd.DataFrame:
    """Persona names with the user's renames applied.

    Names a user gives are kept with the dataset: the page stores
    ``overrides`` in the workspace (for example ``cluster_names.json`` next to
    the dataset file), under :func:`persona_key`, and passes them back here.

    Parameters
    ----------
    auto_names : :func:`persona_names` (its ``name`` column is renamed) or a
        Series of names indexed by cluster.
    overrides : cluster -> new name; keys may be ints or their text (JSON
        object keys are strings). Blank names and unknown clusters are ignored.

    Returns
    -------
    The same type as ``auto_names`` with the overridden names.
    """
    by_cluster: dict[int, str] = {}
    for key, name in (overrides or {}).items():
        try:
            cluster = int(key)
        except (TypeError, ValueError):
            continue
        if isinstance(name, str) and name.strip():
            by_cluster[cluster] = name.strip()
    if isinstance(auto_names, pd.DataFrame):
        out = auto_names.copy()
        out["name"] = apply_names(out["name"], by_cluster)
        return out
    out = auto_names.copy()
    for cluster, name in by_cluster.items():
        if cluster in out.index:
            out.loc[cluster] = name
    return out
