"""The annex's steps, one module per product family; each step is ``function(run)``.

:mod:`geo_coi.products` registers them; :mod:`geo_coi.annex` runs them over an
:class:`geo_coi.annex.AnnexRun`. A step reads the run, writes its files under
``run.staging`` through :meth:`~geo_coi.annex.AnnexRun.stem` (which records the
gallery caption) and changes the run only by assignment (see :mod:`geo_coi.step_pool`).
"""
