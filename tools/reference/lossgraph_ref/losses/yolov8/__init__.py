"""The YOLOv8 loss's training-step fixture: a small YOLO-style detector, the loss as a training step's ending."""
