"""Seeded synthetic data for a postal / parcel branch network.

:func:`generate` returns the four canonical tables of the data contract
(``transactions``, ``customers``, ``surveys``, ``complaints``, see DESIGN.md)
plus a fifth frame ``truth`` with the planted customer-level latent truth
(archetype, decliner flag, stop date). ``truth`` is for tests and for judging
clustering / churn models; it is never loaded into the app.

What is planted:

- a network of 5 regions x 8 branches (5 urban, 3 rural each);
- six archetypes that differ in frequency, spend per shipment, service mix and
  channel mix (e-commerce sellers, small businesses, regular individuals,
  occasional individuals, seasonal senders, cross-border sellers);
- seasonality: Spring Festival dip, Double 11 peak (and a smaller 618), a mild
  weekly pattern; customers keep signing up over the whole period;
- churn: ~17 % "decliners" whose frequency, spend and satisfaction fall and
  whose complaints rise over 3-6 months before they stop shipping; other
  customers have random quiet spells;
- surveys whose overall score is driven by the dimension scores with known
  weights (:data:`SCORE_WEIGHTS`), plus noise;
- ~0.5 % refunds (negative amounts).

Everything is vectorised with numpy (loops run over months or archetypes only)
and deterministic for a given seed. 1,000,000 customers give about 10 million
transactions over the default period.

Command line (from the repository root)::

    python data/generate_sample.py [--customers N] [--seed S] [--out DIR]
                                   [--format parquet|csv]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "sample"
TABLES = ("transactions", "customers", "surveys", "complaints")
DATE_DTYPE = "datetime64[ns]"

# --------------------------------------------------------------------------- network
REGIONS: tuple[str, ...] = ("华北", "华东", "华南", "西南", "西北")
#: Share of customers per region (same order as REGIONS).
REGION_WEIGHTS = np.array([0.20, 0.30, 0.25, 0.15, 0.10])
#: Per region: 5 urban branches first, then 3 rural (county / town) branches.
BRANCH_SITES: dict[str, tuple[str, ...]] = {
    "华北": ("北京朝阳", "北京海淀", "天津河西", "石家庄长安", "太原小店",
             "保定涿州", "廊坊固安", "承德滦平"),
    "华东": ("上海浦东", "杭州西湖", "南京鼓楼", "苏州工业园", "宁波鄞州",
             "湖州安吉", "金华浦江", "盐城阜宁"),
    "华南": ("广州天河", "深圳南山", "东莞长安", "佛山顺德", "厦门思明",
             "梅州五华", "清远英德", "茂名信宜"),
    "西南": ("成都武侯", "重庆渝中", "昆明五华", "贵阳南明", "成都高新",
             "眉山洪雅", "大理宾川", "遵义湄潭"),
    "西北": ("西安雁塔", "兰州城关", "乌鲁木齐天山", "银川兴庆", "西宁城西",
             "天水秦安", "延安洛川", "阿克苏温宿"),
}
N_URBAN_PER_REGION = 5
#: Relative size of the branches inside a region (urban ones first).
BRANCH_SIZES = np.array([1.6, 1.3, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6])

DOMESTIC = ("北京", "上海", "广州", "深圳", "杭州", "成都", "重庆", "武汉", "西安", "南京",
            "苏州", "天津", "长沙", "郑州", "青岛", "沈阳", "昆明", "合肥", "福州", "济南",
            "哈尔滨", "南宁", "贵阳", "兰州", "乌鲁木齐", "石家庄", "太原", "南昌", "厦门",
            "拉萨")
DOMESTIC_WEIGHTS = np.array([9, 9, 8, 8, 7, 6, 5, 5, 4, 5, 5, 4, 3, 4, 3, 3, 2, 3, 2, 2,
                             2, 2, 2, 1.5, 1.5, 2, 1.5, 2, 2, 0.5], dtype=float)
INTERNATIONAL = ("东京", "首尔", "新加坡", "洛杉矶", "纽约", "伦敦", "悉尼", "曼谷",
                 "吉隆坡", "莫斯科", "迪拜", "法兰克福")
INTERNATIONAL_WEIGHTS = np.array([6, 5, 4, 5, 3, 3, 2, 3, 3, 2, 2, 2], dtype=float)

SERVICES = ("standard", "express", "parcel", "international", "cod")
#: Tariff per piece: base fee and fee per kg (yuan), same order as SERVICES.
SERVICE_BASE = np.array([8.0, 12.0, 6.0, 55.0, 10.0])
SERVICE_PER_KG = np.array([2.0, 6.0, 1.5, 45.0, 3.0])
CHANNELS = ("counter", "app", "mini_program", "pickup")
SURVEY_CHANNELS = ("sms", "app", "phone")

# --------------------------------------------------------------------------- archetypes
#: One row per archetype. ``rate``: shipments per active month (yearly average,
#: before :data:`RATE_SCALE`); ``shape``: gamma shape of the customer-to-customer
#: rate heterogeneity; ``qty``: median pieces per shipment (< 2 means
#: 1 + Poisson(qty - 1)); ``kg``: median kg per piece; ``discount``: contract
#: price factor; ``weekly``: "biz" or "ind" weekly pattern; ``decline``: share
#: of decliners; ``resp``: monthly survey response probability of a customer
#: who shipped that month; ``sat``: satisfaction offset.
ARCHETYPES: dict[str, dict] = {
    "ecommerce": dict(share=0.05, enterprise=1.00, urban=0.95, rate=4.0, shape=4.0,
                      qty=25.0, qty_sigma=0.6, kg=0.8, discount=0.55, weekly="biz",
                      service=(0.05, 0.50, 0.35, 0.00, 0.10),
                      channel=(0.05, 0.55, 0.10, 0.30),
                      survey_channel=(0.30, 0.60, 0.10),
                      decline=0.12, resp=0.10, sat=-0.10),
    "small_business": dict(share=0.20, enterprise=1.00, urban=0.75, rate=0.9, shape=4.0,
                           qty=4.0, qty_sigma=0.6, kg=1.5, discount=0.80, weekly="biz",
                           service=(0.45, 0.40, 0.08, 0.02, 0.05),
                           channel=(0.35, 0.25, 0.15, 0.25),
                           survey_channel=(0.45, 0.35, 0.20),
                           decline=0.16, resp=0.08, sat=0.0),
    "regular": dict(share=0.33, enterprise=0.00, urban=0.70, rate=0.35, shape=4.0,
                    qty=1.2, qty_sigma=0.0, kg=1.2, discount=1.00, weekly="ind",
                    service=(0.55, 0.30, 0.12, 0.01, 0.02),
                    channel=(0.45, 0.10, 0.40, 0.05),
                    survey_channel=(0.55, 0.25, 0.20),
                    decline=0.18, resp=0.07, sat=0.10),
    "occasional": dict(share=0.30, enterprise=0.00, urban=0.35, rate=0.09, shape=2.5,
                       qty=1.1, qty_sigma=0.0, kg=2.0, discount=1.00, weekly="ind",
                       service=(0.70, 0.15, 0.13, 0.01, 0.01),
                       channel=(0.75, 0.05, 0.15, 0.05),
                       survey_channel=(0.60, 0.10, 0.30),
                       decline=0.18, resp=0.07, sat=0.05),
    "seasonal": dict(share=0.10, enterprise=0.20, urban=0.45, rate=0.30, shape=3.0,
                     qty=3.0, qty_sigma=0.0, kg=3.5, discount=0.95, weekly="ind",
                     service=(0.15, 0.35, 0.45, 0.00, 0.05),
                     channel=(0.40, 0.15, 0.30, 0.15),
                     survey_channel=(0.50, 0.30, 0.20),
                     decline=0.15, resp=0.07, sat=0.0),
    "cross_border": dict(share=0.02, enterprise=1.00, urban=0.95, rate=2.0, shape=4.0,
                         qty=8.0, qty_sigma=0.7, kg=1.0, discount=0.75, weekly="biz",
                         service=(0.02, 0.10, 0.03, 0.85, 0.00),
                         channel=(0.15, 0.45, 0.05, 0.35),
                         survey_channel=(0.30, 0.55, 0.15),
                         decline=0.15, resp=0.10, sat=-0.15),
}
ARCHETYPE_NAMES: tuple[str, ...] = tuple(ARCHETYPES)
#: Global multiplier on the archetype rates, calibrated so that the default
#: period yields about 10 transactions per customer.
RATE_SCALE = 0.85
DAYS_PER_MONTH = 365.25 / 12

#: Share of customers who already existed before ``start``.
EXISTING_SHARE = 0.45
#: Probability that a new customer ships on its signup day.
FIRST_SHIPMENT_P = 0.85
REFUND_SHARE = 0.005

# --------------------------------------------------------------------------- campaign
#: The planted campaign starts this many days before the end of the data (a Monday,
#: 2025-03-03, with the default period), contacts for 4 weeks and is held out at random.
CAMPAIGN_BEFORE_END = 120
CAMPAIGN_CONTACT_DAYS = 28
CAMPAIGN_SIZE = 1600
CAMPAIGN_HOLDOUT = 0.25
#: Expected extra shipments per contacted customer, spread over the effect window.
CAMPAIGN_EXTRA = 1.2
CAMPAIGN_EFFECT_DAYS = 56
CAMPAIGN_RETENTION_DAYS = 90
CAMPAIGN_COST = 8.0

# Spring Festival (Chinese New Year's day) per year; Feb 1 for other years.
SPRING_FESTIVAL = {
    2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01",
    2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
    2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
}

# --------------------------------------------------------------------------- surveys
#: Dimension -> (mean, weight in the overall score, drop when fully declined).
SURVEY_DIMS: dict[str, tuple[float, float, float]] = {
    "speed": (3.8, 0.38, 1.8),
    "attitude": (4.1, 0.18, 1.0),
    "accuracy": (4.0, 0.26, 1.2),
    "price": (3.6, 0.08, 0.5),
    "convenience": (3.9, 0.10, 0.5),
}
#: Planted key-driver weights of the overall score (speed > accuracy > attitude ...).
SCORE_WEIGHTS = {k: v[1] for k, v in SURVEY_DIMS.items()}

NEGATIVE_COMMENTS: dict[str, tuple[str, ...]] = {
    "speed": ("快递太慢了", "物流太慢，等了一个星期", "时效太差了", "说好的次日达没做到",
              "delivery was late", "too slow"),
    "attitude": ("服务态度差", "快递员态度恶劣", "客服一直不回复", "打电话没人接",
                 "rude courier"),
    "accuracy": ("包裹破损", "送错地址了", "件丢了还没找到", "少了一件",
                 "package arrived damaged", "wrong address"),
    "price": ("价格太贵了", "运费又涨了", "收费不透明", "too expensive"),
    "convenience": ("网点太远，不方便", "取件排队太久", "小程序老是出错", "营业时间太短",
                    "app keeps crashing"),
}
NEUTRAL_COMMENTS = ("还行", "一般般", "速度一般，价格还可以", "希望再快一点", "ok",
                    "average service")
POSITIVE_COMMENTS = ("服务很好", "速度快，点赞", "快递员很负责", "包装很仔细", "非常满意",
                     "一直用，很放心", "价格实惠", "great service", "fast delivery, thanks")

# --------------------------------------------------------------------------- complaints
CATEGORIES = ("delay", "damage", "loss", "attitude", "billing")
CATEGORY_P = np.array([[0.40, 0.20, 0.10, 0.15, 0.15],     # ordinary customers
                       [0.45, 0.20, 0.15, 0.15, 0.05]])    # declining customers
SEVERITIES = ("low", "medium", "high")
SEVERITY_P = np.array([[0.55, 0.33, 0.12], [0.35, 0.40, 0.25]])
#: Mean days to resolve per severity (plus a floor of 1, 2, 3 days).
RESOLVE_MEAN = np.array([3.0, 6.0, 10.0])
NEVER_RESOLVED_P = 0.01

# --------------------------------------------------------------------------- names
SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡",
            "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐",
            "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕")
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "霞", "平", "刚", "华", "丹", "鹏", "辉", "玲", "婷", "雪", "浩",
         "宇", "文", "斌", "秀英", "桂英", "建国", "志强", "海燕", "晓东", "欣怡", "子轩",
         "梓涵", "建华", "丽娟", "春梅", "国强", "红梅", "宇航", "思远", "佳怡", "文博",
         "雨桐", "俊杰", "晓燕", "立新", "海涛", "淑珍", "玉兰", "志明", "晨曦")
FIRM_PREFIX = ("华安", "顺达", "恒信", "鑫源", "宏远", "金诚", "嘉禾", "瑞丰", "天成",
               "博远", "佳美", "兴旺", "永盛", "新锐", "优品", "乐购", "百川", "汇通",
               "锦程", "聚丰", "盛世", "明德", "东方", "星辰", "青禾", "山海", "云帆",
               "启航", "和谐", "富源")
FIRM_TRADE: dict[str, tuple[str, ...]] = {
    "ecommerce": ("电商", "网店", "优选", "商城", "电子商务"),
    "small_business": ("贸易", "商贸", "五金", "服饰", "文具", "科技", "药房", "印务"),
    "seasonal": ("农业", "果业", "茶业", "土特产", "食品"),
    "cross_border": ("进出口", "跨境电商", "国际贸易", "外贸"),
}
FIRM_SUFFIX = ("", "", "有限公司", "商行", "经营部")
PHONE_PREFIXES = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155,
                           156, 157, 158, 159, 166, 177, 180, 181, 186, 187, 188, 189, 199])


# =========================================================================== helpers
def _default_str_dtype():
    return pd.Series([""]).dtype


def _strings(labels: Sequence[str], codes: np.ndarray) -> pd.Series:
    """A string Series ``labels[codes]`` (code -1 = missing), built without Python loops."""
    codes = np.asarray(codes)
    dtype = _default_str_dtype()
    if pd.api.types.is_object_dtype(dtype):  # pandas < 3 without the pyarrow string default
        values = np.asarray(list(labels) + [None], dtype=object)[np.where(codes < 0, -1, codes)]
        return pd.Series(values, dtype=object)
    idx = pa.array(codes.astype(np.int64), mask=codes < 0)
    arr = pa.array(list(labels), type=pa.string()).take(idx)
    return pd.Series(arr, dtype=dtype)


def _serial_ids(prefix: str, count: int, width: int) -> pd.Series:
    """``prefix`` + zero-padded 1..count, e.g. ``C000001``."""
    if count == 0:
        return pd.Series([], dtype=_default_str_dtype())
    digits = np.strings.zfill(np.arange(1, count + 1).astype(str), width)
    return pd.Series(np.strings.add(prefix, digits)).astype(_default_str_dtype())


def _categorical(rng: np.random.Generator, probs: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Draw one category per row; ``probs[group[i]]`` is row i's distribution."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int8)
    for j in range(probs.shape[1] - 1):
        out += u >= cum[group, j]
    return out


def _spring_festival(year: int) -> np.datetime64:
    return np.datetime64(SPRING_FESTIVAL.get(year, f"{year}-02-01"), "D")


def _day_weights(days: np.ndarray, norm_days: np.ndarray) -> np.ndarray:
    """Relative daily shipping intensity per archetype, shape (K, len(days)).

    Normalised so that each archetype's mean over ``norm_days`` (whole calendar
    years) is 1, which makes the archetype ``rate`` a yearly average.
    """
    def raw(d: np.ndarray) -> np.ndarray:
        dd = pd.DatetimeIndex(d)
        dow = dd.day_of_week.to_numpy()
        years = dd.year.to_numpy()
        # offset (days) to the nearest Spring Festival (this or next year's)
        sf_this = np.array([_spring_festival(y) for y in range(years.min(), years.max() + 2)])
        this = sf_this[years - years.min()]
        nxt = sf_this[years - years.min() + 1]
        o1 = (d - this).astype(int)
        o2 = (d - nxt).astype(int)
        sf = np.where(np.abs(o1) <= np.abs(o2), o1, o2).astype(float)
        # offset to Double 11 (Nov 11) and to 618 (Jun 18) of the same year
        jan = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        nov11 = (jan + np.timedelta64(10, "M")).astype("datetime64[D]") + np.timedelta64(10, "D")
        jun18 = (jan + np.timedelta64(5, "M")).astype("datetime64[D]") + np.timedelta64(17, "D")
        d11 = (d - nov11).astype(int).astype(float)
        d618 = (d - jun18).astype(int).astype(float)
        month = dd.month.to_numpy()

        def bump(x, centre, sd):
            return np.exp(-0.5 * ((x - centre) / sd) ** 2)

        weekly = {"biz": np.array([1.10, 1.08, 1.06, 1.05, 1.04, 0.88, 0.79]),
                  "ind": np.array([0.96, 0.95, 0.95, 0.97, 1.02, 1.10, 1.05])}
        out = np.empty((len(ARCHETYPES), len(d)))
        dip = bump(sf, 2.0, 6.0)                      # the network slows down around SF
        rush = bump(sf, -20.0, 7.0)                   # gift parcels before SF
        peak11 = bump(d11, 1.0, 5.0)                  # Double 11 and its aftermath
        peak618 = bump(d618, 0.0, 4.0)
        yearend = np.isin(month, (11, 12)).astype(float)
        for i, (name, a) in enumerate(ARCHETYPES.items()):
            if name == "seasonal":
                w = 0.15 + 3.0 * bump(d11, 2.0, 10.0) + 3.5 * rush + 0.3 * yearend
                w *= 1.0 - 0.8 * dip
            else:
                amp11 = {"ecommerce": 2.0, "cross_border": 1.0, "small_business": 0.5}.get(
                    name, 0.35)
                amp618 = {"ecommerce": 0.8, "cross_border": 0.3}.get(name, 0.15)
                amprush = 0.35 if a["enterprise"] < 0.5 else 0.05
                w = 1.0 + amp11 * peak11 + amp618 * peak618 + amprush * rush + 0.12 * yearend
                w *= 1.0 - 0.7 * dip
            out[i] = w * weekly[a["weekly"]][dow]
        return out

    scale = raw(norm_days).mean(axis=1, keepdims=True)
    return raw(days) / scale


# =========================================================================== generate
def generate(n_customers: int = 20_000, *, seed: int = 7, start: str = "2023-01-01",
             end: str = "2025-06-30", with_text: bool = True) -> dict[str, pd.DataFrame]:
    """Generate the sample network.

    Returns a dict with the canonical tables ``transactions``, ``customers``,
    ``surveys`` and ``complaints`` and the latent ``truth`` (customer_id,
    archetype, decliner, stop_date). ``with_text=False`` leaves ``name`` and
    ``comment`` empty (the numeric content does not change).
    """
    rng = np.random.default_rng(seed)
    text_rng = np.random.default_rng([seed, 1])       # names / comments only
    n = int(n_customers)
    if n < 1:
        raise ValueError("n_customers must be positive")
    d0 = np.datetime64(start, "D")
    d1 = np.datetime64(end, "D")
    if d1 < d0:
        raise ValueError("end is before start")
    n_days = int((d1 - d0).astype(int)) + 1
    days = d0 + np.arange(n_days)
    year0 = int(str(d0)[:4])
    year1 = int(str(d1)[:4])
    norm_days = np.arange(np.datetime64(f"{year0}-01-01"), np.datetime64(f"{year1 + 1}-01-01"))
    weights = _day_weights(days, norm_days)                       # (K, D)
    n_arch = len(ARCHETYPES)
    # one monotone cumulative array over all archetypes: block k = [k*(D+1), (k+1)*(D+1))
    cum = np.zeros((n_arch, n_days + 1))
    cum[:, 1:] = np.cumsum(weights, axis=1)
    cum += (np.cumsum(cum[:, -1] + 1.0) - (cum[:, -1] + 1.0))[:, None]
    cum_flat = cum.ravel()
    stride = n_days + 1

    arch_par = list(ARCHETYPES.values())

    def par(key: str) -> np.ndarray:
        return np.array([a[key] for a in arch_par], dtype=float)

    # ------------------------------------------------------------------ customers
    arch = rng.choice(n_arch, size=n, p=par("share") / par("share").sum()).astype(np.int8)
    enterprise = rng.random(n) < par("enterprise")[arch]
    urban = rng.random(n) < par("urban")[arch]
    branch_region = np.repeat(np.arange(len(REGIONS)), 8)
    branch_urban = np.tile(np.arange(8) < N_URBAN_PER_REGION, len(REGIONS))
    branch_w = REGION_WEIGHTS[branch_region] * np.tile(BRANCH_SIZES, len(REGIONS))
    home = np.empty(n, dtype=np.int16)
    for is_urban in (True, False):
        sel = urban == is_urban
        cand = np.flatnonzero(branch_urban == is_urban)
        p = branch_w[cand] / branch_w[cand].sum()
        home[sel] = cand[rng.choice(len(cand), size=int(sel.sum()), p=p)]
    region = branch_region[home]

    # signup day (index relative to start; negative = before the period)
    existing = rng.random(n) < EXISTING_SHARE
    growth = 0.6                                       # sign-ups grow over the period
    u = rng.random(n)
    x = (-1.0 + np.sqrt(1.0 + 2.0 * growth * u * (1.0 + growth / 2.0))) / growth
    signup = np.where(existing, -rng.integers(30, 365 * 7, n),
                      np.floor(x * max(n_days - 14, 1))).astype(np.int64)
    first = np.maximum(signup, 0)                      # first possible shipment day

    # planted churn: decliners stop at `stop`, declining over `span` days before
    decliner = rng.random(n) < par("decline")[arch]
    late = rng.random(n) < 0.25                        # extra weight on the last ~8 months
    s_lo = np.where(late, n_days - 240, 120)
    s_hi = n_days + 60
    stop = s_lo + np.floor(rng.random(n) * (s_hi - s_lo)).astype(np.int64)
    min_stop = first + 120
    redraw = stop < min_stop
    stop = np.where(redraw, min_stop + np.floor(rng.random(n) * np.maximum(s_hi - min_stop, 1)),
                    stop).astype(np.int64)
    decliner &= stop > first + 90
    span = rng.integers(90, 181, n)
    stop = np.where(decliner, stop, np.iinfo(np.int32).max)
    last = np.minimum(stop, n_days)                    # shipping possible in [first, last)

    # customer-level heterogeneity
    shape = par("shape")[arch]
    rate_day = (par("rate")[arch] * RATE_SCALE / DAYS_PER_MONTH
                * rng.gamma(shape, 1.0 / shape))
    size = np.exp(rng.normal(0.0, 0.35, n))            # shipment size multiplier
    satisfaction = rng.normal(0.0, 0.5, n) + par("sat")[arch]
    has_gap = rng.random(n) < 0.30                     # a random quiet spell
    gap0 = np.where(has_gap, rng.integers(0, n_days, n), -1)
    gap1 = np.where(has_gap, gap0 + rng.integers(30, 121, n), -1)

    def vitality(c: np.ndarray, day: np.ndarray) -> np.ndarray:
        """1 = normal, falls to 0 when a decliner reaches its stop date."""
        f = np.clip((stop[c] - day) / span[c], 0.0, 1.0)
        return np.where(decliner[c], f, 1.0)

    # ------------------------------------------------------------------ month loop
    month_starts = np.arange(d0.astype("datetime64[M]"), d1.astype("datetime64[M]")
                             + np.timedelta64(1, "M")).astype("datetime64[D]")
    bounds = np.clip((month_starts - d0).astype(int), 0, n_days)
    bounds = np.append(bounds, n_days)
    all_c = np.arange(n)
    off = arch.astype(np.int64) * stride
    tx_c, tx_d, sv_c, sv_lo, sv_hi, cp_c, cp_lo, cp_hi = ([] for _ in range(8))
    resp = par("resp")[arch]
    for ms, me in zip(bounds[:-1], bounds[1:], strict=True):
        lo = np.clip(first, ms, me)
        hi = np.clip(last, ms, me)
        mass = cum_flat[off + hi] - cum_flat[off + lo]
        mid = (lo + hi) / 2.0
        vit = vitality(all_c, mid)
        gap_overlap = np.clip(np.minimum(hi, gap1) - np.maximum(lo, gap0), 0, None)
        gap_f = 1.0 - 0.95 * gap_overlap / np.maximum(hi - lo, 1)
        lam = rate_day * mass * (0.12 + 0.88 * vit) * gap_f * rng.gamma(3.0, 1.0 / 3.0, n)
        cnt = rng.poisson(lam)
        nz = np.flatnonzero(cnt)
        c = np.repeat(nz, cnt[nz])
        t = cum_flat[off[c] + lo[c]] + rng.random(len(c)) * mass[c]
        day = np.searchsorted(cum_flat, t, side="right") - 1 - off[c]
        tx_c.append(c.astype(np.int32))
        tx_d.append(np.clip(day, lo[c], hi[c] - 1).astype(np.int32))
        # surveys: some of the customers who shipped this month answer
        unhappy = 1.0 - vit
        answer = (cnt > 0) & (rng.random(n) < resp * (1.0 + 1.5 * unhappy))
        sv_c.append(all_c[answer])
        sv_lo.append(lo[answer])
        sv_hi.append(hi[answer])
        # complaints: per shipment, plus a planted surge while declining
        lam_c = 0.003 * cnt + 0.0015 * (hi > lo) + 0.3 * unhappy * (hi > lo)
        k = rng.poisson(lam_c)
        nz = np.flatnonzero(k)
        c = np.repeat(nz, k[nz])
        cp_c.append(c)
        cp_lo.append(lo[c])
        cp_hi.append(hi[c])

    # first shipment of new customers on their signup day
    newbie = (signup >= 0) & (first < last) & (rng.random(n) < FIRST_SHIPMENT_P)
    tx_c.append(np.flatnonzero(newbie).astype(np.int32))
    tx_d.append(first[newbie].astype(np.int32))
    tc = np.concatenate(tx_c)
    td = np.concatenate(tx_d)
    del tx_c, tx_d
    order = np.argsort(td.astype(np.int64) * n + tc, kind="stable")
    tc = tc[order]
    td = td[order]
    del order

    transactions = _transactions(rng, tc, td, arch, home, branch_region, size,
                                 vitality(tc, td), d0)
    customers = _customers(rng, text_rng, n, arch, enterprise, urban, home, region, signup,
                           d0, with_text)
    ids = customers["customer_id"].to_numpy()
    transactions.insert(0, "customer_id", _take_ids(ids, tc))
    # the planted campaign draws from its own stream: every row above stays as it is
    extra, campaign, campaign_truth = _plant_campaign(
        np.random.default_rng([seed, 3]), tc, td, transactions["amount"].to_numpy(), arch,
        decliner, stop, first, home, ids, d0, n_days)
    transactions = pd.concat([transactions, extra], ignore_index=True)
    del tc, td

    surveys = _surveys(rng, text_rng, np.concatenate(sv_c), np.concatenate(sv_lo),
                       np.concatenate(sv_hi), arch, satisfaction, vitality, ids, d0, with_text)
    complaints = _complaints(rng, np.concatenate(cp_c), np.concatenate(cp_lo),
                             np.concatenate(cp_hi), decliner, vitality, ids, d0, n_days)
    truth = pd.DataFrame({
        "customer_id": customers["customer_id"],
        "archetype": _strings(ARCHETYPE_NAMES, arch),
        "decliner": decliner,
        "stop_date": pd.Series(np.where(decliner, d0 + np.minimum(stop, 10**6),
                                        np.datetime64("NaT")), dtype=DATE_DTYPE),
    })
    return {"transactions": transactions, "customers": customers, "surveys": surveys,
            "complaints": complaints, "truth": truth, "campaign": campaign,
            "campaign_truth": campaign_truth}


def _plant_campaign(rng, tc, td, amount, arch, decliner, stop, first, home, ids, d0, n_days
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A spring recall campaign with a known effect and a random held-out group.

    Mid-frequency customers (2 to 12 shipments in the half-year before the start, known
    for longer than that) are eligible: the list is pulled from the data, nothing the
    data do not show decides it; :data:`CAMPAIGN_SIZE` of them are listed and
    a random :data:`CAMPAIGN_HOLDOUT` share of the list is held out (not contacted).
    Each contacted customer sends Poisson(:data:`CAMPAIGN_EXTRA`) extra shipments in the
    :data:`CAMPAIGN_EFFECT_DAYS` from the start (none after a decliner's stop date): new
    rows only, appended after the others.

    Returns (extra transactions, the list: customer_id + group, the definition and the
    planted truth in one row). All three are empty when the period is too short.
    """
    start = n_days - CAMPAIGN_BEFORE_END
    tx_columns = ["customer_id", "date", "amount", "quantity", "weight_kg", "service",
                  "channel", "branch", "destination"]
    if start < 300:  # too little history for a comparison: no campaign
        return (pd.DataFrame(columns=tx_columns).astype({"date": DATE_DTYPE}),
                pd.DataFrame({"customer_id": pd.Series([], dtype=_default_str_dtype()),
                              "group": pd.Series([], dtype=_default_str_dtype())}),
                pd.DataFrame())
    before = (td >= start - 182) & (td < start)
    shipped = np.bincount(tc[before & (amount >= 0)], minlength=len(arch))
    eligible = np.flatnonzero((shipped >= 2) & (shipped <= 12) & (first < start - 182))
    listed = np.sort(rng.choice(eligible, size=min(CAMPAIGN_SIZE, len(eligible)),
                                replace=False))
    held = rng.random(len(listed)) < CAMPAIGN_HOLDOUT
    contacted = listed[~held]
    # extra shipments: each costs what the customer usually pays (median before the start)
    extra_n = rng.poisson(CAMPAIGN_EXTRA, len(contacted))
    c = np.repeat(contacted, extra_n)
    day = start + rng.integers(0, CAMPAIGN_EFFECT_DAYS, len(c))
    # a customer who has stopped shipping (a decliner past its stop date) sends nothing
    sent = day < np.where(decliner[c], stop[c], np.iinfo(np.int64).max)
    c, day = c[sent], day[sent]
    extra_n = np.bincount(np.searchsorted(contacted, c), minlength=len(contacted))
    past = pd.Series(amount[before & (amount > 0)]).groupby(tc[before & (amount > 0)]).median()
    typical = past.reindex(c).fillna(past.median()).to_numpy()
    extra_amount = np.round(typical * np.exp(0.1 * rng.standard_normal(len(c))), 2)
    dest = rng.choice(len(DOMESTIC), size=len(c), p=DOMESTIC_WEIGHTS / DOMESTIC_WEIGHTS.sum())
    order = np.argsort(day * len(ids) + c, kind="stable")
    c, day, extra_amount, dest = c[order], day[order], extra_amount[order], dest[order]
    extra = pd.DataFrame({
        "customer_id": _take_ids(ids, c),
        "date": _dates(d0, day),
        "amount": extra_amount,
        "quantity": np.ones(len(c), dtype=np.int64),
        "weight_kg": np.round(np.full(len(c), 1.2), 2),
        "service": _strings(SERVICES, np.full(len(c), SERVICES.index("express"))),
        "channel": _strings(CHANNELS, np.full(len(c), CHANNELS.index("mini_program"))),
        "branch": _strings(branch_names(), home[c]),
        "destination": _strings(DOMESTIC + INTERNATIONAL, dest),
    })
    # planted truth of retention: contacted customers active in the window only thanks to
    # the extra shipments
    window = (td >= start) & (td < start + CAMPAIGN_RETENTION_DAYS)
    active = np.zeros(len(arch), dtype=bool)
    active[tc[window]] = True
    kept = int((~active[contacted] & (extra_n > 0)).sum())
    group = np.where(held, "holdout", "target")
    campaign = pd.DataFrame({"customer_id": _take_ids(ids, listed),
                             "group": _strings(("target", "holdout"),
                                               (group == "holdout").astype(np.int8))})
    begin = d0 + np.timedelta64(int(start), "D")
    truth = pd.DataFrame({
        "campaign_id": ["sample-spring-recall"],
        "name": ["春季客户召回 Spring recall"],
        "start": pd.Series([begin]).astype(DATE_DTYPE),
        "end": pd.Series([begin + np.timedelta64(CAMPAIGN_CONTACT_DAYS - 1, "D")]
                         ).astype(DATE_DTYPE),
        "cost_per_contact": [CAMPAIGN_COST],
        "n_contacted": [len(contacted)],
        "n_holdout": [int(held.sum())],
        "planted_extra_shipments": [CAMPAIGN_EXTRA],
        "extra_shipments": [float(extra_n.sum())],
        "extra_revenue": [float(extra_amount.sum())],
        "extra_retained": [kept],
        "retention_days": [CAMPAIGN_RETENTION_DAYS],
    })
    return extra[tx_columns], campaign, truth


def _take_ids(ids: pd.Series | np.ndarray, codes: np.ndarray) -> pd.Series:
    dtype = _default_str_dtype()
    if pd.api.types.is_object_dtype(dtype):
        return pd.Series(np.asarray(ids, dtype=object)[codes], dtype=object)
    arr = pa.array(np.asarray(ids, dtype=object), type=pa.string()).take(
        pa.array(codes.astype(np.int64)))
    return pd.Series(arr, dtype=dtype)


def _dates(d0: np.datetime64, day: np.ndarray) -> pd.Series:
    return pd.Series((d0 + day.astype("timedelta64[D]")).astype(DATE_DTYPE))


def _transactions(rng, tc, td, arch, home, branch_region, size, vit, d0) -> pd.DataFrame:
    k = arch[tc]
    arch_par = list(ARCHETYPES.values())
    n_tx = len(tc)
    service = _categorical(rng, np.array([a["service"] for a in arch_par]), k)
    channel = _categorical(rng, np.array([a["channel"] for a in arch_par]), k)

    qty_med = np.array([a["qty"] for a in arch_par])
    qty_sig = np.array([a["qty_sigma"] for a in arch_par])
    declined_size = np.where(qty_med[k] >= 2, 0.5 + 0.5 * vit, 1.0)
    big = np.exp(np.log(qty_med[k] * size[tc] * declined_size)
                 + qty_sig[k] * rng.standard_normal(n_tx))
    small = 1 + rng.poisson(np.maximum(qty_med[k] - 1.0, 0.0) * size[tc])
    quantity = np.where(qty_med[k] >= 2, np.maximum(np.rint(big), 1), small).astype(np.int64)
    del big, small

    kg_piece = np.array([a["kg"] for a in arch_par])[k] * np.exp(0.5 * rng.standard_normal(n_tx))
    weight = np.round(quantity * kg_piece, 2)
    price = (SERVICE_BASE[service] + SERVICE_PER_KG[service] * kg_piece)
    discount = np.array([a["discount"] for a in arch_par])[k]
    amount = quantity * price * discount * np.exp(0.08 * rng.standard_normal(n_tx))
    amount *= 0.6 + 0.4 * vit                          # decliners move to cheaper services
    del price, kg_piece, discount
    refund = rng.random(n_tx) < REFUND_SHARE
    amount = np.where(refund, -amount * rng.uniform(0.3, 1.0, n_tx), amount)
    amount = np.round(amount, 2)

    away = rng.random(n_tx) < 0.04                     # shipped at another branch of the region
    branch = np.where(away, branch_region[home[tc]] * 8 + rng.integers(0, 8, n_tx), home[tc])
    intl = service == SERVICES.index("international")
    dom = rng.choice(len(DOMESTIC), size=n_tx, p=DOMESTIC_WEIGHTS / DOMESTIC_WEIGHTS.sum())
    abroad = rng.choice(len(INTERNATIONAL), size=n_tx,
                        p=INTERNATIONAL_WEIGHTS / INTERNATIONAL_WEIGHTS.sum())
    dest = np.where(intl, len(DOMESTIC) + abroad, dom)
    del dom, abroad
    return pd.DataFrame({
        "date": _dates(d0, td),
        "amount": amount,
        "quantity": quantity,
        "weight_kg": weight,
        "service": _strings(SERVICES, service),
        "channel": _strings(CHANNELS, channel),
        "branch": _strings(branch_names(), branch),
        "destination": _strings(DOMESTIC + INTERNATIONAL, dest),
    })


def branch_names() -> list[str]:
    """The 40 branch names, region by region (urban branches first)."""
    return [f"{r}-{site}网点" for r in REGIONS for site in BRANCH_SITES[r]]


def _person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    sw = np.linspace(3.0, 0.6, len(SURNAMES))
    sur = np.asarray(SURNAMES)[rng.choice(len(SURNAMES), n, p=sw / sw.sum())]
    given = np.asarray(GIVEN)[rng.integers(0, len(GIVEN), n)]
    return np.strings.add(sur, given)


def _customers(rng, text_rng, n, arch, enterprise, urban, home, region, signup, d0,
               with_text) -> pd.DataFrame:
    ids = _serial_ids("C", n, max(6, len(str(n))))
    phone = (PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), n)].astype(np.int64)
             * 100_000_000 + rng.integers(0, 100_000_000, n)).astype(str)
    managers = _person_names(np.random.default_rng([0, 40]), len(REGIONS) * 8 * 3)
    mgr = np.where(enterprise, home.astype(np.int64) * 3 + rng.integers(0, 3, n), -1)

    if with_text:
        people = _person_names(text_rng, n)
        firm = np.asarray(FIRM_PREFIX)[text_rng.integers(0, len(FIRM_PREFIX), n)]
        trade = np.full(n, "贸易", dtype="<U8")
        for i, name in enumerate(ARCHETYPE_NAMES):
            sel = arch == i
            options = np.asarray(FIRM_TRADE.get(name, FIRM_TRADE["small_business"]))
            trade[sel] = options[text_rng.integers(0, len(options), int(sel.sum()))]
        suffix = np.asarray(FIRM_SUFFIX)[text_rng.integers(0, len(FIRM_SUFFIX), n)]
        firm = np.strings.add(np.strings.add(firm, trade), suffix)
        name = pd.Series(np.where(enterprise, firm, people)).astype(_default_str_dtype())
    else:
        name = pd.Series(np.full(n, None, dtype=object)).astype(_default_str_dtype())

    return pd.DataFrame({
        "customer_id": ids,
        "name": name,
        "phone": pd.Series(phone).astype(_default_str_dtype()),
        "customer_type": _strings(("individual", "enterprise"), enterprise.astype(np.int8)),
        "branch": _strings(branch_names(), home),
        "region": _strings(REGIONS, region),
        "area_type": _strings(("rural", "urban"), urban.astype(np.int8)),
        "signup_date": _dates(d0, signup),
        "account_manager": _strings(list(managers), mgr),
    })


def _surveys(rng, text_rng, c, lo, hi, arch, satisfaction, vitality, ids, d0,
             with_text) -> pd.DataFrame:
    n_sv = len(c)
    day = lo + np.floor(rng.random(n_sv) * (hi - lo)).astype(np.int64)
    order = np.argsort(day * len(ids) + c, kind="stable")
    c, day = c[order], day[order]
    unhappy = 1.0 - vitality(c, day)
    sat = satisfaction[c]
    dims = {}
    latent = np.zeros(n_sv)
    for name, (mean, weight, drop) in SURVEY_DIMS.items():
        raw = mean + 0.6 * sat + 0.75 * rng.standard_normal(n_sv) - drop * unhappy
        dims[name] = np.clip(np.rint(raw), 1, 5).astype(np.int64)
        latent += weight * (dims[name] - mean)
    overall = 4.0 + 1.25 * latent + 0.4 * rng.standard_normal(n_sv)
    score = np.clip(np.rint(overall), 1, 5).astype(np.int64)
    arch_par = list(ARCHETYPES.values())
    channel = _categorical(rng, np.array([a["survey_channel"] for a in arch_par]), arch[c])

    if with_text:
        comment = _comments(text_rng, score, dims)
    else:
        comment = pd.Series(np.full(n_sv, None, dtype=object)).astype(_default_str_dtype())
    return pd.DataFrame({
        "customer_id": _take_ids(ids, c),
        "date": _dates(d0, day),
        "score": score,
        **dims,
        "channel": _strings(SURVEY_CHANNELS, channel),
        "comment": comment,
    })


def _comments(rng, score: np.ndarray, dims: dict[str, np.ndarray]) -> pd.Series:
    """Template comments: complaints about the weakest dimension for low scores."""
    labels: list[str] = []
    blocks: dict[str, tuple[int, int]] = {}
    for key, texts in [*NEGATIVE_COMMENTS.items(), ("neutral", NEUTRAL_COMMENTS),
                       ("positive", POSITIVE_COMMENTS)]:
        blocks[key] = (len(labels), len(texts))
        labels.extend(texts)
    n_sv = len(score)
    stacked = np.stack([dims[d] for d in SURVEY_DIMS], axis=1) + 0.1 * rng.random((n_sv, 5))
    weakest = np.argmin(stacked, axis=1)
    u = rng.random(n_sv)
    code = np.full(n_sv, -1, dtype=np.int64)
    for i, dim in enumerate(SURVEY_DIMS):
        b0, bn = blocks[dim]
        code = np.where((score <= 2) & (weakest == i), b0 + (u * bn).astype(np.int64), code)
    for key, sel in (("neutral", score == 3), ("positive", score >= 4)):
        b0, bn = blocks[key]
        code = np.where(sel, b0 + (u * bn).astype(np.int64), code)
    # a score-3 answer sometimes complains, too
    mild = (score == 3) & (rng.random(n_sv) < 0.3)
    for i, dim in enumerate(SURVEY_DIMS):
        b0, bn = blocks[dim]
        code = np.where(mild & (weakest == i), b0 + (u * bn).astype(np.int64), code)
    p_comment = np.select([score <= 2, score == 3], [0.75, 0.35], 0.2)
    code = np.where(rng.random(n_sv) < p_comment, code, -1)
    return _strings(labels, code)


def _complaints(rng, c, lo, hi, decliner, vitality, ids, d0, n_days) -> pd.DataFrame:
    n_cp = len(c)
    day = lo + np.floor(rng.random(n_cp) * (hi - lo)).astype(np.int64)
    order = np.argsort(day * len(ids) + c, kind="stable")
    c, day = c[order], day[order]
    upset = (decliner[c] & (vitality(c, day) < 1.0)).astype(np.int8)
    category = _categorical(rng, CATEGORY_P, upset)
    severity = _categorical(rng, SEVERITY_P, upset)
    floor = severity.astype(np.int64) + 1
    resolve = floor + np.rint(rng.exponential(RESOLVE_MEAN[severity])).astype(np.int64)
    done = day + resolve
    is_open = (done > n_days - 1) | (rng.random(n_cp) < NEVER_RESOLVED_P)
    resolved = pd.Series((d0 + done.astype("timedelta64[D]")).astype(DATE_DTYPE))
    resolved[is_open] = pd.NaT
    return pd.DataFrame({
        "complaint_id": _serial_ids("CP", n_cp, max(7, len(str(n_cp)))),
        "customer_id": _take_ids(ids, c),
        "date": _dates(d0, day),
        "category": _strings(CATEGORIES, category),
        "severity": _strings(SEVERITIES, severity),
        "status": _strings(("resolved", "open"), is_open.astype(np.int8)),
        "resolved_date": resolved,
    })


# =========================================================================== output
def write(tables: dict[str, pd.DataFrame], out: str | Path, fmt: str = "parquet") -> list[Path]:
    """Write every frame to ``out/<name>.<fmt>`` (parquet with zstd, or UTF-8 CSV)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in tables.items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            df.to_parquet(path, index=False, compression="zstd")
        elif fmt == "csv":
            df.to_csv(path, index=False, encoding="utf-8", date_format="%Y-%m-%d")
        else:
            raise ValueError(f"unknown format {fmt!r}")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate the seeded sample branch network.")
    ap.add_argument("--customers", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--start", default="2023-01-01")
    ap.add_argument("--end", default="2025-06-30")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    ap.add_argument("--no-text", action="store_true", help="skip names and comments")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    tables = generate(args.customers, seed=args.seed, start=args.start, end=args.end,
                      with_text=not args.no_text)
    t1 = time.perf_counter()
    paths = write(tables, args.out, args.format)
    t2 = time.perf_counter()
    for path in paths:
        rows = len(tables[path.stem])
        print(f"{path}  {rows:>10,} rows  {path.stat().st_size / 1e6:8.2f} MB")
    print(f"generated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
