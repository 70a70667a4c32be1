"""Customer lifetime value: BG/NBD for purchase counts, Gamma-Gamma for spend.

A compact scipy implementation of two published models, tested against the
papers' own figures on the CDNOW sample (as ``lifetimes`` tests its fitters):

* :class:`BetaGeoModel`: the BG/NBD model of Fader, Hardie & Lee (2005),
  "Counting your customers the easy way: an alternative to the Pareto/NBD
  model", *Marketing Science* 24(2). While alive, a customer buys at a Poisson
  rate ``lambda ~ Gamma(r, alpha)``; after each *repeat* purchase they drop out
  for good with probability ``p ~ Beta(a, b)``.
* :class:`GammaGammaModel`: Fader & Hardie (2013), "The Gamma-Gamma model of
  monetary value" (note): a customer's purchase amounts are Gamma(p, nu) with
  ``nu ~ Gamma(q, gamma)``, independent of the purchase process.
* :func:`clv`: expected purchases over a horizon x expected spend per purchase,
  optionally discounted step by step (as ``lifetimes.customer_lifetime_value``).
* :func:`btyd_summary` / :func:`score_clv`: from the customer view of
  :func:`segmentation.features.customer_view` to ``p_alive``,
  ``expected_purchases_12m``, ``expected_spend`` and ``clv_12m`` per customer.

Why not a library: ``lifetimes`` is archived and breaks on current pandas and
setuptools; ``pymc-marketing`` is maintained but brings all of PyMC for what
is, here, two maximum-likelihood fits of a handful of parameters.

Time unit: the models work in whatever unit ``recency`` and ``T`` are given in
(weeks for CDNOW, ``unit_days`` in :func:`btyd_summary`); ``alpha`` and the
horizon ``t`` are in the same unit.

The blind spot: in BG/NBD a customer can only drop out right after a repeat
purchase, so a customer with no repeat purchase (``frequency == 0``) always has
``P(alive) = 1``, however long ago they bought. Never show ``p_alive`` alone as
"safe"; read it with ``expected_purchases`` (which is low for such customers)
and with ``frequency``.
"""

from .._lazy import lazy_exports

__all__ = [
    "BTYD_COLUMNS",
    "CLV_COLUMNS",
    "MIN_REPEAT_BUYERS",
    "VIEW_COLUMNS",
    "BetaGeoModel",
    "CLVWarning",
    "GammaGammaModel",
    "btyd_summary",
    "clv",
    "score_clv",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".bgnbd": ("BetaGeoModel",),
    ".common": ("CLVWarning",),
    ".gamma_gamma": ("GammaGammaModel",),
    ".scoring": (
        "BTYD_COLUMNS", "CLV_COLUMNS", "MIN_REPEAT_BUYERS", "VIEW_COLUMNS", "btyd_summary",
        "score_clv",
    ),
    ".value": ("clv",),
})
