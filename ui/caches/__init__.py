"""The cache layer: every ``st.cache_data`` / ``st.cache_resource`` of the app, one module
per topic.

- :mod:`.views`: customer views (network, scope, filters), cubes, ranks, tier history;
- :mod:`.churn`: churn models, scores, their wording and the rows a page shows;
- :mod:`.satisfaction`: surveys, complaints and their segment summaries;
- :mod:`.clusters`: clusterings and silhouette scores;
- :mod:`.database`: engines per login, role checks, samples, the view's SQL;
- :mod:`.uploads`: reads of uploaded files.

Every cached function takes one frozen key object first: an
:class:`~segmentation.keys.AnalysisKey` or :class:`~segmentation.keys.ChurnKey`
(dataset, date, window, filters, scope, PII right) for analyses, a
:class:`~segmentation.keys.DatasetKey` for what depends on the dataset alone, and
the small keys of :mod:`.database` and :mod:`.uploads` for logins and files. A key
holds exactly what decides the result: a function that does not depend on, say,
the filters is called with a key whose filters are cleared (``key.network()``,
``key.unfiltered()``), so it is computed once for all of them. What the key
stands for (the data source, an upload's bytes, a view) comes as an unhashed
``_argument``; the key alone decides the result.

Results of ``st.cache_resource`` are shared, not copied: callers treat them as
read-only. This package sits between the session (``ui.state``, ``ui.identity``,
``ui.source``) and the widgets and pages; it imports nothing above it.
"""
