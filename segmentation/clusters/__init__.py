"""Customer clusters and personas: KMeans on behaviour features, profiles and names.

The pieces, in the order a page uses them:

1. **Features** (:data:`FEATURE_GROUPS`). Each key is one thing a user can tick
   ("frequency", "service_mix", ...) and becomes one or more columns of the
   feature matrix (:func:`feature_matrix`), computed from the customer view
   (:func:`segmentation.features.customer_view`):

   ============== ======= ======================================================
   key            kind    natural value (column)
   ============== ======= ======================================================
   recency        log     days since the last transaction (``recency_days``)
   frequency      log     shipping days a year (``shipments_per_year``:
                          ``frequency x 365 / max(tenure_days + 1, 90)``, the
                          tiers page's annual shipments)
   spend          log     net spend in yuan (``monetary_total``)
   avg_value      log     net spend per shipping day (``monetary_avg``)
   shipment_size  log     pieces per shipment (``pieces_per_shipment``:
                          ``quantity_total / n_transactions``)
   tenure         linear  days since the first transaction (``tenure_days``)
   service_mix    share   ``service_share_<service>`` (share of purchases)
   channel_mix    share   ``channel_share_<channel>``
   satisfaction   linear  mean survey score (``satisfaction_avg``)
   complaint_rate log     complaints per 100 purchase rows
                          (``complaints_per_100``)
   customer_type  one-hot ``customer_type_<value>`` (1 for the customer's type)
   area_type      one-hot ``area_type_<value>``
   ============== ======= ======================================================

   *log* columns are ``sign(x) * log1p(|x|)`` (shipping counts and amounts
   have heavy right tails; the sign keeps net refunds negative); shares and
   one-hot columns stay in 0..1. Missing values (a customer without purchases
   has no shares, one without surveys no satisfaction) are imputed with the
   median of the column.

   The default (:data:`DEFAULT_FEATURES`) describes *what kind of sender* a
   customer is: frequency, spend, average value, shipment size, service and
   channel mix, customer type. Recency, tenure, satisfaction and complaints
   describe where a customer is in its life cycle and how it is doing; they
   are offered but off by default: on the sample they blur the planted
   archetypes (adjusted Rand index with k = 6: 0.62 with the defaults; 0.45
   adding recency and tenure, 0.44 adding satisfaction and complaints, 0.36
   adding all four).

2. **Clustering** (:class:`CustomerClusterer`): a scikit-learn ``Pipeline``:

   - a ``ColumnTransformer`` with one branch per feature: median imputation,
     then ``RobustScaler(unit_variance=True)`` for log / linear columns
     (centred on the median, scaled by the interquartile range, so that a few
     very large senders do not set the scale; ``unit_variance`` puts them on
     the same footing as z-scores) or ``StandardScaler`` for shares and
     one-hot columns (bounded, so no tails; their interquartile range is often
     0, which would leave them unscaled). Each branch is weighted
     ``1 / sqrt(columns)`` so that every chosen feature counts the same,
     whether it is one column (frequency) or five (service mix);
   - ``KMeans(n_clusters, random_state)``, started from the best of 50
     k-means++ runs on a seeded 20,000-customer part of the fit sample
     (``n_init``, ``init_size``, as ``MiniBatchKMeans`` does). KMeans has
     local optima: with scikit-learn's 10 restarts some seeds stopped in a
     visibly worse one on the sample (inertia 1.3 % higher, adjusted Rand index
     0.54 instead of 0.62), and 20 restarts on the whole sample still did
     now and then at 1M customers; 50 restarts on 20,000 rows found the good
     one in every benchmark run and cost less than 20 on 100,000.

   Larger views are fitted on a seeded random sample (``sample_size``) and
   every customer is then assigned (``predict``, vectorised). Rows are put in
   customer-id order first, so the result does not depend on row order.

   **Numbering.** Cluster 0 is the cluster with the highest median net spend
   (``monetary_total``) among the customers it was fitted on, then descending
   (ties: higher mean spend, then larger cluster). With a fixed
   ``random_state`` the same data always gives the same numbers.

3. **Profiles** (:func:`cluster_profiles`, :func:`cluster_zscores`,
   :func:`cluster_tier_mix`, :func:`cluster_top_branches`) and **personas**
   (:func:`persona_names`): a name and a one-line description per cluster in
   English and Chinese, built from the cluster's distinguishing features with
   the phrase tables :data:`VOLUME_TRAITS`, :data:`FREQUENCY_BANDS` and
   :data:`DESCRIPTION_TRAITS`.

4. **Map** (:func:`projection`): a PCA of a seeded sample of customers in the
   scaled feature space.

Typical use on a page::

    scores, k = suggest_k(view, features)            # silhouette chart + suggestion
    model = CustomerClusterer(k, features).fit(view)
    labels = model.predict(view)
    profiles = cluster_profiles(view, labels, model.features_)
    z = cluster_zscores(view, labels, model.features_)
    names = apply_names(persona_names(profiles, z, lang), overrides)
"""

from .._lazy import lazy_exports

__all__ = [
    "DEFAULT_FEATURES",
    "DESCRIPTION_TRAITS",
    "FEATURE_GROUPS",
    "FREQUENCY_BANDS",
    "VOLUME_TRAITS",
    "ClusterError",
    "ClusterNote",
    "ClusterWarning",
    "CustomerClusterer",
    "FeatureSpec",
    "apply_names",
    "available_features",
    "cluster_assignments",
    "cluster_profiles",
    "cluster_tier_mix",
    "cluster_top_branches",
    "cluster_zscores",
    "density_bins",
    "column_label",
    "feature_label",
    "feature_matrix",
    "feature_values",
    "persona_key",
    "persona_names",
    "projection",
    "suggest_k",
    "K_MAX",
    "K_MIN",
    "MIN_PERSONA_SIZE",
    "Clustering",
    "assignment_table",
    "cluster_view",
    "feature_columns",
    "is_share_column",
    "named_personas",
    "ordered_features",
    "persona_limit",
    "profile_table",
    "rounded_money",
    "small_clusters",
    "starting_features",
    "tier_mix_long",
    "top_branch_table",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".assignments": ("cluster_assignments",),
    ".features": ("available_features", "feature_matrix", "feature_values",),
    ".model": ("CustomerClusterer",),
    ".notes": ("ClusterError", "ClusterNote", "ClusterWarning",),
    ".personas": (
        "DESCRIPTION_TRAITS", "FREQUENCY_BANDS", "VOLUME_TRAITS", "apply_names", "persona_key",
        "persona_names",
    ),
    ".profiles": (
        "cluster_profiles", "cluster_tier_mix", "cluster_top_branches", "cluster_zscores",
    ),
    ".projection": ("projection", "density_bins",),
    ".results": (
        "K_MAX", "K_MIN", "Clustering", "assignment_table", "cluster_view", "feature_columns",
        "is_share_column", "named_personas", "ordered_features", "profile_table", "rounded_money",
        "starting_features", "tier_mix_long", "top_branch_table", "MIN_PERSONA_SIZE",
        "persona_limit", "small_clusters",
    ),
    ".specs": (
        "DEFAULT_FEATURES", "FEATURE_GROUPS", "FeatureSpec", "column_label", "feature_label",
    ),
    ".suggest": ("suggest_k",),
})
