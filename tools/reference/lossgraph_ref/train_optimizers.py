"""The torch.optim settings of the training-step fixture cases, as the fixtures' optimizer metadata (all strings;
docs/FIXTURES.md "Training steps")."""

ADAMW = {"optimizer": "adamw", "lr": "0.001", "weight_decay": "0.01", "betas": "0.9,0.999", "eps": "1e-08",
         "amsgrad": "false"}
ADAM = {"optimizer": "adam", "lr": "0.001", "weight_decay": "0.0", "betas": "0.9,0.999", "eps": "1e-08",
        "amsgrad": "false"}
SGD_NESTEROV = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "4e-05", "momentum": "0.9", "dampening": "0.0",
                "nesterov": "true"}
# torchvision's detection recipe for SSDlite320-MobileNetV3: SGD momentum 0.9 (no Nesterov), weight decay 4e-5; its
# lr 0.15 is for 8 GPUs x 24 images, so the fixture takes 0.01
SGD_SSDLITE = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "4e-05", "momentum": "0.9", "dampening": "0.0",
               "nesterov": "false"}
SGD_MOMENTUM = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "0.0005", "momentum": "0.9", "dampening": "0.0",
                "nesterov": "false"}

# docs/FIXTURES.md lists `sgd` and `adamw`; `adam` (torch.optim.Adam, L2 weight decay coupled into g) is new
ADAM_NOTE = {"optimizer_note": "adam = torch.optim.Adam 1.13 single-tensor path: m, v and bias corrections as "
                               "adamw, weight decay (here 0) coupled into g as L2, no decoupled decay; a value beyond "
                               "docs/FIXTURES.md's sgd / adamw"}
