"""The retinanet loss, as packages/core/src/losses/retinanet/: torchvision's own RetinaNet.compute_loss and
AnchorGenerator as the oracle (torchvision_ref.py), its fixture cases, diagnostics, training-step loss, models
and cases, and the timing problem. losses/__init__.py lists the parts."""
