"""Model export: the format catalogue (light, imported by the API) and the export engine (worker only)."""
