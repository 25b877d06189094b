"""Model families: one folder per training library, one list of them (registry.py).

A family (base.ModelFamily) owns its trainer, predictor and exporter (worker-side modules named as
strings), its training-argument builder, its defaults, fields and limits, its weights suffixes and
locations, its official-weights policy, its labels, its architectures and the dataset conversion it needs.
Generic code (services, jobs, schemas, the prediction cache, export formats) asks the family instead of
naming one.

Adding a family `foo`:
1. `core/families/foo/__init__.py`: `FAMILY = ModelFamily(...)` (metadata only: no heavy imports).
2. `foo/trainer.py` (a `core.training.base.Trainer`), `foo/predictor.py` (a `core.prediction.base.Predictor`),
   `foo/exporter.py` (optional), `foo/args.py` (TrainingConfig -> the library's arguments).
3. `foo/catalogue.py` measuring its architectures into `foo/architectures.json`
   (`python -m app.core.families.measure_catalogues --frameworks foo`; `catalogue_dir` names the folder).
4. One line in `registry.py`. The API then serves it in /training/architectures (`families`) and the
   front end renders its forms and dialogs from that metadata.
"""
