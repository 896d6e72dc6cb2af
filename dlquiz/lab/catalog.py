"""What each experiment shows, in both languages, and which questions to study next (torch-free)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExperimentInfo:
    name: str
    title: dict[str, str]
    explanation: dict[str, str]
    related_tags: tuple[str, ...]
    default_steps: int


EXPERIMENTS: dict[str, ExperimentInfo] = {e.name: e for e in [
    ExperimentInfo(
        "vanishing",
        {"en": "Vanishing gradients in a deep MLP", "zh": "深层 MLP 的梯度消失"},
        {"en": "A 15-layer MLP on the digits data. With sigmoid and a plain init every layer multiplies the "
               "backward signal by σ'(z)·W, and σ' ≤ 0.25, so the first layer's gradient norm ends up orders of "
               "magnitude below the last layer's: the early layers barely learn. tanh + Xavier keeps the signal "
               "alive longer, ReLU + He keeps per-layer gradient norms within about one order of magnitude, BN "
               "re-centres every layer, and residual connections give the gradient an identity path. Read the "
               "bar chart from left (first layer) to right (last layer).",
         "zh": "在 digits 数据上训练 15 层 MLP。sigmoid 配普通初始化时,反向传播每经过一层都乘上 σ'(z)·W,而 σ' ≤ 0.25,"
               "于是第一层的梯度范数比最后一层小好几个数量级,浅层几乎学不动。tanh + Xavier 初始化能维持更久,"
               "ReLU + He 初始化让各层梯度范数大致在一个数量级内,BN 把每层重新归一化,残差连接为梯度提供恒等通路。"
               "柱状图从左(第一层)到右(最后一层)阅读。"},
        ("vanishing-gradient", "activation", "initialization", "batchnorm", "resnet"), 300),
    ExperimentInfo(
        "exploding",
        {"en": "Exploding gradients and their cures", "zh": "梯度爆炸及其解决办法"},
        {"en": "The same deep ReLU net with weights drawn too large, or trained with a learning rate that is too "
               "high: activations and gradients grow layer after layer until the loss becomes inf/NaN, which the "
               "lab reports as 'diverged at step N' instead of crashing. Gradient clipping bounds each update; "
               "a proper (He) init keeps the forward and backward signal at a constant scale.",
         "zh": "同一个深层 ReLU 网络,权重初始化过大或学习率过高时,激活与梯度逐层放大,直到损失变成 inf/NaN;"
               "实验室会报告“在第 N 步发散”而不是崩溃。梯度裁剪限制每一步更新的大小;合适的 He 初始化让前向与反向信号保持同一量级。"},
        ("exploding-gradient", "gradient-clipping", "initialization"), 200),
    ExperimentInfo(
        "overfitting",
        {"en": "Overfitting and its cures", "zh": "过拟合及其解决办法"},
        {"en": "A big MLP trained on only 150 digit images (10% of labels flipped) memorises them: training "
               "accuracy heads to 100% while validation accuracy stalls, and the gap is overfitting. Dropout, "
               "weight decay (L2), data augmentation (shifted and noisy images) and early stopping (the mark "
               "where validation loss stopped improving) each shrink the gap.",
         "zh": "一个大 MLP 只在 150 张 digits 图片(10% 标签被打乱)上训练,会把它们背下来:训练准确率接近 100%,"
               "验证准确率却停滞不前,两者的差距就是过拟合。Dropout、权重衰减(L2)、数据增强(平移加噪声)"
               "和早停(验证损失不再下降处的标记)都能缩小差距。"},
        ("overfitting", "dropout", "regularization", "data-augmentation", "early-stopping"), 400),
    ExperimentInfo(
        "batchnorm",
        {"en": "BatchNorm: higher learning rates, steadier layers", "zh": "批归一化: 更大的学习率、更稳定的各层分布"},
        {"en": "The same 10-layer sigmoid MLP with and without BatchNorm at several learning rates. Without BN "
               "the pre-activation statistics of each layer drift as earlier layers change and training is slow; "
               "with BN every layer sees inputs of mean ≈ 0, std ≈ 1 (times the learned γ, β), so a larger "
               "learning rate is usable and the loss falls faster. 'final' also compares BN in train mode "
               "(batch statistics) with eval mode (running averages).",
         "zh": "同一个 10 层 sigmoid MLP,在几种学习率下分别加与不加 BN。不加 BN 时,前面层的变化让后面层输入的均值/方差不断漂移,"
               "训练缓慢;加 BN 后每层输入被归一化到均值≈0、标准差≈1(再乘以学到的 γ、加 β),因此能用更大的学习率,"
               "损失下降更快。final 中还对比了 BN 在训练模式(批统计量)和评估模式(滑动平均)下的结果。"},
        ("batchnorm", "internal-covariate-shift", "learning-rate"), 300),
    ExperimentInfo(
        "optimizers",
        {"en": "Optimisers: SGD to Adam", "zh": "优化器: 从 SGD 到 Adam"},
        {"en": "One small MLP on the two-spirals problem, trained by SGD, SGD with momentum, Nesterov, Adagrad, "
               "RMSprop and Adam with their customary learning rates. Momentum smooths and accelerates plain SGD; "
               "the adaptive methods scale each parameter's step by its gradient history.",
         "zh": "同一个小 MLP 在双螺旋数据上,分别用 SGD、动量、Nesterov、Adagrad、RMSprop、Adam(各用常用学习率)训练。"
               "动量让 SGD 更平滑更快;自适应方法按每个参数的历史梯度调整步长。"},
        ("optimizer", "momentum", "adam"), 400),
    ExperimentInfo(
        "init",
        {"en": "Weight initialisation", "zh": "权重初始化"},
        {"en": "A 6-layer tanh MLP with five inits. Zero init never breaks symmetry: every hidden unit of a layer "
               "computes the same thing and gets the same update (the 'distinct units' count stays 1). Too small "
               "an init shrinks activations and gradients layer by layer; too large saturates tanh. Xavier "
               "(tanh) and He (ReLU) keep the variance constant across layers.",
         "zh": "6 层 tanh MLP,五种初始化。全零初始化无法打破对称性:同一层所有隐藏单元计算相同的值、得到相同的更新"
               "(distinct units 一直是 1)。初始化过小会让激活和梯度逐层缩小;过大则让 tanh 饱和。"
               "Xavier(配 tanh)和 He(配 ReLU)让各层方差保持不变。"},
        ("initialization", "xavier", "symmetry"), 300),
]}
