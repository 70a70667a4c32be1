"""Streamlit glue: cached access, session state, sidebar and shared widgets.

The app's message catalogues are declared here, per domain (a key's first part),
and load on the first lookup of one of their keys (see :mod:`segmentation.i18n`):
no module imports ``ui.strings_*`` only to register its texts.
"""

from segmentation import i18n

i18n.add_catalogues({
    "app": ("ui.strings",),
    "audit": ("ui.strings_auth",),
    "auth": ("ui.strings_auth",),
    "bg": ("ui.strings_background",),
    "big": ("ui.strings_bignet",),
    "cg": ("ui.strings_campaigns",),
    "cl": ("ui.strings_clusters",),
    "common": ("ui.strings",),
    "cp": ("ui.strings_churn",),
    "data": ("ui.strings", "ui.strings_db"),
    "db": ("ui.strings_db",),
    "filter": ("ui.strings",),
    "fp": ("ui.strings_forecast",),
    "nav": ("ui.strings", "ui.strings_campaigns", "ui.strings_churn", "ui.strings_clusters",
            "ui.strings_satisfaction", "ui.strings_tiers", "ui.strings_report",
            "ui.strings_forecast"),
    "ov": ("ui.strings",),
    "rp": ("ui.strings_report",),
    "sat": ("ui.strings_satisfaction",),
    "scope": ("ui.scoping",),
    "side": ("ui.strings", "ui.strings_db", "ui.strings_workspace", "ui.scoping"),
    "tp": ("ui.strings_tiers",),
    "value": ("ui.strings",),
})
