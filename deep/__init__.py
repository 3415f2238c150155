"""PyTorch experiments: conv4 MAML and NAL on Omniglot and FS-CIFAR100 (Section 5, App. C.4-C.5)."""
