"""The yolov8 loss, as packages/core/src/losses/yolov8/: the independent float64 port of Ultralytics'
v8DetectionLoss (reference.py), its fixture cases, diagnostics and recomputation check, its training-step loss,
model and case (each draw its own `build`), and the timing problem. losses/__init__.py lists the parts."""
