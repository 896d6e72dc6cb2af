"""Names and one-line descriptions of the preset networks, without building them.

Kept apart from `architectures` (which builds the layer lists) so that the CLI can show the list in
`--help` without importing the layer machinery on every command (~10-18 ms)."""

PRESET_DESCRIPTIONS = {
    "lenet5": "LeNet-5 (LeCun 1998), dense C3, tanh, average pooling; 1×32×32 input",
    "alexnet": "AlexNet as in torchvision (64/192/384/256/256, conv1 p=2, adaptive 6×6 pool)",
    "alexnet_seed": "AlexNet as in the study notes: 224 input, no conv1 padding, paper channels 96/256/384/384/256",
    "zf5": "ZF-5 conv backbone from the study notes (7×7/2 conv1, padded pools)",
    "vgg16": "VGG-16 (configuration D) as in torchvision",
    "vgg19": "VGG-19 (configuration E) as in torchvision",
    "resnet18": "ResNet-18 (basic blocks 2-2-2-2) as in torchvision",
    "resnet34": "ResNet-34 (basic blocks 3-4-6-3) as in torchvision",
    "resnet50": "ResNet-50 (bottlenecks 3-4-6-3) as in torchvision",
    "resnet101": "ResNet-101 (bottlenecks 3-4-23-3) as in torchvision",
    "resnet152": "ResNet-152 (bottlenecks 3-8-36-3) as in torchvision",
}
