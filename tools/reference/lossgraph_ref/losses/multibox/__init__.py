"""The multibox loss (SSD's MultiBoxLoss), as packages/core/src/losses/multibox/: the seed profile's float64 port
(reference.py) and the seed's float32 original (original.py), the `torchvision` profile's oracle (torchvision's
SSD.compute_loss, torchvision_ref.py) and SSDLite model (torchvision_models.py), their fixture cases, diagnostics,
training-step loss and cases, and the timing problem. losses/__init__.py lists the parts."""
