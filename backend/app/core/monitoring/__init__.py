"""GPU (NVML) and host (psutil) monitoring: readings, the shared sampler, fan-out and history.

Nothing here imports torch or any other heavy library: it runs inside the API process.
"""
