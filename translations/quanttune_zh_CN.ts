<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>Devices</name>
        <message>
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <source>%1, %2 cores, %3 free of %4</source>
            <translation>%1，%2 个核心，%4 中可用 %3</translation>
        </message>
    </context>
    <context>
        <name>Memory</name>
        <message>
            <source>Weights</source>
            <translation>权重</translation>
        </message>
        <message>
            <source>Trainable parameters</source>
            <translation>可训练参数</translation>
        </message>
        <message>
            <source>Gradients</source>
            <translation>梯度</translation>
        </message>
        <message>
            <source>Optimizer states</source>
            <translation>优化器状态</translation>
        </message>
        <message>
            <source>Activations</source>
            <translation>激活值</translation>
        </message>
        <message>
            <source>KV cache</source>
            <translation>KV 缓存</translation>
        </message>
        <message>
            <source>The model's weights as stored: quantized blocks, norms, embedding.</source>
            <translation>按存储格式保存的模型权重：量化块、归一化层、嵌入层。</translation>
        </message>
        <message>
            <source>What training changes, in full precision: QZO's block scales, MeZO's float32 weights, QLoRA's adapters, or the fp32 master copy of full fine-tuning.</source>
            <translation>训练所修改的内容（全精度）：QZO 的块缩放因子、MeZO 的 float32 权重、QLoRA 的适配器，或全量微调的 fp32 主副本。</translation>
        </message>
        <message>
            <source>One gradient value per trained parameter (back-propagation only).</source>
            <translation>每个被训练参数一个梯度值（仅反向传播需要）。</translation>
        </message>
        <message>
            <source>AdamW's two running averages per trained parameter.</source>
            <translation>AdamW 为每个被训练参数保存的两个滑动平均值。</translation>
        </message>
        <message>
            <source>Intermediate results of the forward pass and the logits the loss is computed from; with a first-order method, also what the backward pass reads.</source>
            <translation>前向传播的中间结果以及用于计算损失的 logits；使用一阶方法时，还包括反向传播需要读取的内容。</translation>
        </message>
        <message>
            <source>Keys and values of earlier tokens, kept for attention.</source>
            <translation>之前词元的键和值，供注意力计算使用。</translation>
        </message>
        <message>
            <source>QZO (planned)</source>
            <translation>QZO（预估）</translation>
        </message>
        <message>
            <source>MeZO (planned)</source>
            <translation>MeZO（预估）</translation>
        </message>
        <message>
            <source>Full fine-tuning, bf16 + AdamW (planned)</source>
            <translation>全量微调，bf16 + AdamW（预估）</translation>
        </message>
        <message>
            <source>QLoRA (planned)</source>
            <translation>QLoRA（预估）</translation>
        </message>
        <message>
            <source>Full fine-tuning, float32 AdamW (planned)</source>
            <translation>全量微调，float32 AdamW（预估）</translation>
        </message>
        <message>
            <source>Projections</source>
            <translation>投影</translation>
        </message>
        <message>
            <source>GaLore's low-rank projection matrices, one per trained weight (INT4 in Q-GaLore).</source>
            <translation>GaLore 的低秩投影矩阵，每个训练的权重一个（Q-GaLore 中为 INT4）。</translation>
        </message>
        <message>
            <source>Q-GaLore (planned)</source>
            <translation>Q-GaLore（预估）</translation>
        </message>
        <message>
            <source>Plain GaLore, float32 (planned)</source>
            <translation>普通 GaLore，float32（预估）</translation>
        </message>
        <message>
            <source>Sparse values</source>
            <translation>稀疏值</translation>
        </message>
        <message>
            <source>Sparse mask</source>
            <translation>稀疏掩码</translation>
        </message>
        <message>
            <source>Sparse ZO's trained values S, one float per sensitive weight, added to the 4-bit weights.</source>
            <translation>稀疏 ZO 训练的值 S：每个敏感权重一个浮点数，加到 4 位权重上。</translation>
        </message>
        <message>
            <source>Sparse ZO (planned)</source>
            <translation>稀疏 ZO（预估）</translation>
        </message>
        <message>
            <source>Where sparse ZO's sensitive weights sit: their column indices and row starts.</source>
            <translation>稀疏 ZO 敏感权重所在的位置：它们的列索引和行起点。</translation>
        </message>
        <message>
            <source>Rollback copies</source>
            <translation>回滚副本</translation>
        </message>
        <message>
            <source>Two copies of the training state in main memory: the last one that passed the divergence guard, which a rollback returns to, and the one being checked.</source>
            <translation>主内存中训练状态的两份副本：最近一份通过发散保护检查的（回滚时恢复到它），以及正在检查的一份。</translation>
        </message>
    </context>
    <context>
        <name>TrainingMethod</name>
        <message>
            <source>QZO: zeroth-order on the 4-bit scales</source>
            <translation>QZO：在 4 位缩放因子上的零阶训练</translation>
        </message>
        <message>
            <source>Trains only the continuous scales of the quantized blocks from two forward passes per step with a seeded random perturbation, the projected gradient clipped (Shang et al. 2025). No gradients, no optimizer states: inference memory.</source>
            <translation>只训练量化块的连续缩放因子：每步用带种子的随机扰动做两次前向传播，并裁剪投影梯度（Shang 等，2025）。没有梯度，也没有优化器状态：内存与推理相当。</translation>
        </message>
        <message>
            <source>MeZO: zeroth-order on float32 weights</source>
            <translation>MeZO：在 float32 权重上的零阶训练</translation>
        </message>
        <message>
            <source>SPSA on every linear weight expanded to float32 (Malladi et al. 2023): the zeroth-order baseline.</source>
            <translation>对每个展开为 float32 的线性层权重做 SPSA（Malladi 等，2023）：零阶方法的基准。</translation>
        </message>
        <message>
            <source>QLoRA: low-rank adapters on the frozen 4-bit model</source>
            <translation>QLoRA：在冻结的 4 位模型上训练低秩适配器</translation>
        </message>
        <message>
            <source>Trains small float32 adapters B A beside chosen linears of the frozen quantized model with AdamW, from the backward pass (Hu et al. 2021; Dettmers et al. 2023). Memory: the quantized weights, the adapters and their optimizer states, and the activations the backward needs.</source>
            <translation>通过反向传播，用 AdamW 训练挂在冻结量化模型所选线性层旁的小型 float32 适配器 B A（Hu 等，2021；Dettmers 等，2023）。内存：量化权重、适配器及其优化器状态，以及反向传播所需的激活值。</translation>
        </message>
        <message>
            <source>Full fine-tuning with AdamW (float32)</source>
            <translation>使用 AdamW 的全量微调（float32）</translation>
        </message>
        <message>
            <source>Every linear weight as a float32 master copy trained by AdamW: the reference point, 16 bytes a weight; only for small models.</source>
            <translation>每个线性层权重都以 float32 主副本由 AdamW 训练：作为参照基准，每个权重 16 字节；仅适用于小模型。</translation>
        </message>
        <message>
            <source>Q-GaLore: INT8 weights, low-rank gradients, 8-bit Adam</source>
            <translation>Q-GaLore：INT8 权重、低秩梯度、8 位 Adam</translation>
        </message>
        <message>
            <source>Trains every linear weight, held as INT8 in groups and updated by stochastic rounding, from gradients projected to a low rank by INT4 projections that each layer refreshes lazily, with 8-bit Adam states (Zhang et al. 2024). Each layer's gradient is applied and freed during the backward. galore_quantized off gives plain GaLore (float32 weights and projections, 32-bit Adam).</source>
            <translation>训练所有线性层权重：权重按组以 INT8 保存并通过随机舍入更新，梯度由各层惰性刷新的 INT4 投影投影到低秩，Adam 状态为 8 位（Zhang 等，2024）。每层的梯度在反向传播过程中即被应用并释放。关闭 galore_quantized 即为普通 GaLore（float32 权重和投影，32 位 Adam）。</translation>
        </message>
        <message>
            <source>Projection rank</source>
            <translation>投影秩</translation>
        </message>
        <message>
            <source>The rank r each weight's gradient is projected to before Adam sees it, so that Adam keeps r values per row or column instead of the whole matrix (capped at the weight's smaller side). A larger rank learns more like full fine-tuning and needs more memory; the paper uses 128 to 512.</source>
            <translation>每个权重的梯度在交给 Adam 之前被投影到的秩 r，这样 Adam 每行或每列只保存 r 个值，而不是整个矩阵（不超过权重较短的一边）。秩越大，学习效果越接近完整微调，也需要更多内存；论文使用 128 到 512。</translation>
        </message>
        <message>
            <source>Steps between SVDs</source>
            <translation>SVD 间隔步数</translation>
        </message>
        <message>
            <source>How many steps a layer keeps its projection before an SVD of its gradient computes a new one, at first. Once a layer's subspace has settled (see the similarity threshold) its gap doubles: the lazy rule that saves SVDs. GaLore refreshes every 200 steps.</source>
            <translation>起初，每层保持其投影多少步后，才对其梯度做 SVD 计算新的投影。一旦某层的子空间稳定下来（见相似度阈值），其间隔就加倍：这就是节省 SVD 的惰性规则。GaLore 每 200 步刷新一次。</translation>
        </message>
        <message>
            <source>Similarity threshold</source>
            <translation>相似度阈值</translation>
        </message>
        <message>
            <source>When the mean |cosine| between a layer's successive subspaces reaches this, the subspace counts as settled and the layer's gap between SVDs doubles. Lower skips more SVDs; 1 hardly ever skips one.</source>
            <translation>当某层相邻子空间之间 |余弦| 的平均值达到此值时，认为该子空间已稳定，该层的 SVD 间隔加倍。越低跳过的 SVD 越多；为 1 时几乎从不跳过。</translation>
        </message>
        <message>
            <source>Similarity window</source>
            <translation>相似度窗口</translation>
        </message>
        <message>
            <source>How many of a layer's latest subspace changes the mean for the similarity threshold covers.</source>
            <translation>与相似度阈值比较的平均值涵盖该层最近多少次子空间变化。</translation>
        </message>
        <message>
            <source>Update scale (alpha)</source>
            <translation>更新缩放（alpha）</translation>
        </message>
        <message>
            <source>The update, projected back to the weight's full size, is multiplied by this before it is added (GaLore's alpha; 0.25 in the papers).</source>
            <translation>更新投影回权重的完整尺寸后，先乘以此值再加到权重上（GaLore 的 alpha；论文中为 0.25）。</translation>
        </message>
        <message>
            <source>Weight group size</source>
            <translation>权重分组大小</translation>
        </message>
        <message>
            <source>How many weights share one INT8 scale and zero point. Smaller groups round more precisely and store a little more.</source>
            <translation>多少个权重共用一个 INT8 缩放因子和零点。分组越小，舍入越精确，占用的存储也略多。</translation>
        </message>
        <message>
            <source>Projection group size</source>
            <translation>投影分组大小</translation>
        </message>
        <message>
            <source>How many values of a projection matrix share one INT4 scale and zero point; even, since two 4-bit codes share a byte.</source>
            <translation>投影矩阵中多少个值共用一个 INT4 缩放因子和零点；须为偶数，因为两个 4 位编码共用一个字节。</translation>
        </message>
        <message>
            <source>Stochastic rounding</source>
            <translation>随机舍入</translation>
        </message>
        <message>
            <source>Round each updated INT8 weight up or down at random, in proportion to how near it is, so that updates smaller than one INT8 step still add up over many steps. Off: round to nearest, and such updates are lost.</source>
            <translation>按距离远近的比例随机地将每个更新后的 INT8 权重向上或向下舍入，使小于一个 INT8 步长的更新在多步之后仍能累积。关闭：四舍五入到最近值，这类更新会丢失。</translation>
        </message>
        <message>
            <source>Quantized (off: plain GaLore)</source>
            <translation>量化（关闭：普通 GaLore）</translation>
        </message>
        <message>
            <source>On: Q-GaLore, with INT8 weights, INT4 projections and 8-bit Adam states. Off: plain GaLore, with float32 weights and projections and 32-bit Adam states: more memory, the reference to compare with.</source>
            <translation>开启：Q-GaLore，使用 INT8 权重、INT4 投影和 8 位 Adam 状态。关闭：普通 GaLore，使用 float32 权重和投影以及 32 位 Adam 状态：内存更多，作为对比的参照。</translation>
        </message>
        <message>
            <source>INT8 weights</source>
            <translation>INT8 权重</translation>
        </message>
        <message>
            <source>INT4 projections</source>
            <translation>INT4 投影</translation>
        </message>
        <message>
            <source>8-bit Adam states</source>
            <translation>8 位 Adam 状态</translation>
        </message>
        <message>
            <source>float32 weights</source>
            <translation>float32 权重</translation>
        </message>
        <message>
            <source>float32 projections</source>
            <translation>float32 投影</translation>
        </message>
        <message>
            <source>Adam states</source>
            <translation>Adam 状态</translation>
        </message>
        <message>
            <source>SVDs done</source>
            <translation>已做的 SVD</translation>
        </message>
        <message>
            <source>SVDs the lazy rule saved</source>
            <translation>惰性规则省下的 SVD</translation>
        </message>
        <message>
            <source>Subspace similarity</source>
            <translation>子空间相似度</translation>
        </message>
        <message>
            <source>Sparse ZO: zeroth-order on 0.1% sensitive weights</source>
            <translation>稀疏 ZO：只在 0.1% 的敏感权重上做零阶训练</translation>
        </message>
        <message>
            <source>Trains a float32 value S at a small set of sensitive weights, chosen once from squared gradients on generic text (a mask file: quanttune-cli sensitivity), added to the frozen 4-bit model: W = dequant(Q) + S. Two forward passes per step as in QZO, with the same perturbation, clipping and schedules (Guo et al. 2025). Optionally the 4-bit block scales train too.</source>
            <translation>在一小组敏感权重处训练 float32 值 S，这些权重根据通用文本上的平方梯度一次性选出（掩码文件：quanttune-cli sensitivity），并加到冻结的 4 位模型上：W = dequant(Q) + S。与 QZO 一样每步两次前向传播，使用相同的扰动、裁剪和学习率计划（Guo 等，2025）。也可以同时训练 4 位块的缩放因子。</translation>
        </message>
        <message>
            <source>Also train the 4-bit scales</source>
            <translation>同时训练 4 位缩放因子</translation>
        </message>
        <message>
            <source>Train QZO's block scales beside the sparse values, with the same perturbation: more of the model adapts, at no extra memory but the scales' float32 copies.</source>
            <translation>在稀疏值之外同时训练 QZO 的块缩放因子，使用相同的扰动：模型中更多部分得以适应，额外内存只有缩放因子的 float32 副本。</translation>
        </message>
        <message>
            <source>QZO scale masters</source>
            <translation>QZO 缩放因子主副本</translation>
        </message>
        <message>
            <source>sparse values S (float32)</source>
            <translation>稀疏值 S（float32）</translation>
        </message>
        <message>
            <source>sensitive-entry mask</source>
            <translation>敏感元素掩码</translation>
        </message>
    </context>
    <context>
        <name>Units</name>
        <message>
            <source>%1 B</source>
            <translation>%1 B</translation>
        </message>
        <message>
            <source>%1 kB</source>
            <translation>%1 kB</translation>
        </message>
        <message>
            <source>%1 MB</source>
            <translation>%1 MB</translation>
        </message>
        <message>
            <source>%1 GB</source>
            <translation>%1 GB</translation>
        </message>
        <message>
            <source>%1 s</source>
            <translation>%1 秒</translation>
        </message>
        <message>
            <source>%1 min %2 s</source>
            <translation>%1 分 %2 秒</translation>
        </message>
        <message>
            <source>%1 h %2 min</source>
            <translation>%1 小时 %2 分</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::ComparePanel</name>
        <message>
            <source>Export the comparison</source>
            <translation>导出对比</translation>
        </message>
        <message>
            <source>Markdown (*.md)</source>
            <translation>Markdown (*.md)</translation>
        </message>
        <message>
            <source>Export failed</source>
            <translation>导出失败</translation>
        </message>
        <message>
            <source>Could not write %1.</source>
            <translation>无法写入 %1。</translation>
        </message>
        <message>
            <source>Compare</source>
            <translation>对比</translation>
        </message>
        <message>
            <source>Write a prompt first.</source>
            <translation>请先输入提示词。</translation>
        </message>
        <message>
            <source>answering…</source>
            <translation>正在回答…</translation>
        </message>
        <message>
            <source>waiting for the base model…</source>
            <translation>等待基础模型…</translation>
        </message>
        <message>
            <source>Ask both models something, e.g. a question from your dataset.</source>
            <translation>向两个模型提问，例如数据集中的一个问题。</translation>
        </message>
        <message>
            <source>The base model answers first, then the fine-tuned one, with the same settings.</source>
            <translation>先由基础模型回答，再由微调后的模型回答，设置相同。</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <source>Sampling (the same for both)</source>
            <translation>采样（两者相同）</translation>
        </message>
        <message>
            <source>Max tokens:</source>
            <translation>最大词元数：</translation>
        </message>
        <message>
            <source>Temperature:</source>
            <translation>温度：</translation>
        </message>
        <message>
            <source>0 always picks the likeliest word; higher values answer more freely.</source>
            <translation>0 总是选择最可能的词；数值越大，回答越自由。</translation>
        </message>
        <message>
            <source>Top-k:</source>
            <translation>Top-k：</translation>
        </message>
        <message>
            <source>Pick only among the k likeliest words (0: no limit).</source>
            <translation>只在最可能的 k 个词中选择（0：不限制）。</translation>
        </message>
        <message>
            <source>Top-p:</source>
            <translation>Top-p：</translation>
        </message>
        <message>
            <source>Pick only among the likeliest words that together make up this probability.</source>
            <translation>只在累计概率达到该值的最可能词中选择。</translation>
        </message>
        <message>
            <source>Seed:</source>
            <translation>随机种子：</translation>
        </message>
        <message>
            <source>Chat template</source>
            <translation>对话模板</translation>
        </message>
        <message>
            <source>Wrap the prompt as a user turn of the model's chat template.</source>
            <translation>将提示词包装为对话模板中的一轮用户发言。</translation>
        </message>
        <message>
            <source>Base model (from the file)</source>
            <translation>基础模型（来自文件）</translation>
        </message>
        <message>
            <source>Fine-tuned model (after training)</source>
            <translation>微调后的模型（训练之后）</translation>
        </message>
        <message>
            <source>Earlier prompts</source>
            <translation>之前的提示词</translation>
        </message>
        <message>
            <source>Example prompts: pick one to put it in the box.</source>
            <translation>示例提示词：选择一个填入输入框。</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DatasetPanel</name>
        <message>
            <source>Open a dataset</source>
            <translation>打开数据集</translation>
        </message>
        <message>
            <source>Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)</source>
            <translation>数据集 (*.jsonl *.json *.csv *.tsv *.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <source>… and %1 more</source>
            <translation>… 另有 %1 条</translation>
        </message>
        <message>
            <source>Data file</source>
            <translation>数据文件</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <source>JSON lines, JSON array, CSV/TSV or plain text</source>
            <translation>JSON Lines、JSON 数组、CSV/TSV 或纯文本</translation>
        </message>
        <message>
            <source>What the engine found</source>
            <translation>引擎的分析结果</translation>
        </message>
        <message>
            <source>Token lengths</source>
            <translation>词元长度</translation>
        </message>
        <message>
            <source>tokens per example</source>
            <translation>每个样本的词元数</translation>
        </message>
        <message>
            <source>examples</source>
            <translation>样本数</translation>
        </message>
        <message>
            <source>First examples as the model sees them (completion highlighted: the loss is computed on it)</source>
            <translation>模型所见的前几个样本（高亮部分为补全内容：损失在其上计算）</translation>
        </message>
        <message>
            <source>Skipped rows and why</source>
            <translation>跳过的行及原因</translation>
        </message>
        <message>
            <source>No dataset loaded.</source>
            <translation>尚未加载数据集。</translation>
        </message>
        <message>
            <source>Format: %1%2&lt;br&gt;Rows read: %3, kept: %4, skipped: %5, shortened: %6&lt;br&gt;Tokens: %7, of which trained on: %8&lt;br&gt;Length: %9–%10 tokens, mean %11, median %12, 90% below %13</source>
            <translation>格式：%1%2&lt;br&gt;读取行数：%3，保留：%4，跳过：%5，截短：%6&lt;br&gt;词元：%7，其中参与训练：%8&lt;br&gt;长度：%9–%10 个词元，平均 %11，中位数 %12，90% 低于 %13</translation>
        </message>
        <message>
            <source> (chat template applied)</source>
            <translation>（已应用对话模板）</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DatasetPreviewModel</name>
        <message>
            <source>%1 (cut)</source>
            <translation>%1（已截断）</translation>
        </message>
        <message>
            <source>&lt;b&gt;Prompt&lt;/b&gt; (the model reads it, no loss):&lt;pre&gt;%1&lt;/pre&gt;&lt;b&gt;Completion&lt;/b&gt; (the model learns to write it):&lt;pre style='background:#d8f0d8'&gt;%2&lt;/pre&gt;</source>
            <translation>&lt;b&gt;提示&lt;/b&gt;（模型读取，不计损失）：&lt;pre&gt;%1&lt;/pre&gt;&lt;b&gt;补全&lt;/b&gt;（模型学习写出）：&lt;pre style='background:#d8f0d8'&gt;%2&lt;/pre&gt;</translation>
        </message>
        <message>
            <source>Line</source>
            <translation>行</translation>
        </message>
        <message>
            <source>Prompt (as the model sees it)</source>
            <translation>提示（模型所见）</translation>
        </message>
        <message>
            <source>Completion (trained on)</source>
            <translation>补全（参与训练）</translation>
        </message>
        <message>
            <source>Tokens</source>
            <translation>词元</translation>
        </message>
        <message>
            <source>Targets</source>
            <translation>目标</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DevicePanel</name>
        <message>
            <source>Where the model runs</source>
            <translation>模型运行位置</translation>
        </message>
        <message>
            <source>Look for GPUs again</source>
            <translation>重新查找 GPU</translation>
        </message>
        <message>
            <source>The chosen device is used the next time a model is opened. Free memory is measured when the list is made: a GPU's by its driver, the CPU's by the operating system.</source>
            <translation>所选设备将在下次打开模型时使用。可用内存在生成列表时测量：GPU 的由其驱动报告，CPU 的由操作系统报告。</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::EngineWorker</name>
        <message>
            <source>Opening the model</source>
            <translation>打开模型</translation>
        </message>
        <message>
            <source>Stop the training run before opening another model.</source>
            <translation>请先停止训练，再打开其他模型。</translation>
        </message>
        <message>
            <source>Opening %1 ...</source>
            <translation>正在打开 %1 ...</translation>
        </message>
        <message>
            <source>Loaded %1: %2 parameters on %3</source>
            <translation>已加载 %1：%2 个参数，运行于 %3</translation>
        </message>
        <message>
            <source>none (%1)</source>
            <translation>无（%1）</translation>
        </message>
        <message>
            <source>Opening the dataset</source>
            <translation>打开数据集</translation>
        </message>
        <message>
            <source>Open a model first: the dataset is read with its tokenizer.</source>
            <translation>请先打开模型：数据集需要用它的分词器读取。</translation>
        </message>
        <message>
            <source>Stop the training run before opening another dataset.</source>
            <translation>请先停止训练，再打开其他数据集。</translation>
        </message>
        <message>
            <source>Dataset %1: %2 examples kept, %3 rows skipped</source>
            <translation>数据集 %1：保留 %2 个样本，跳过 %3 行</translation>
        </message>
        <message>
            <source>Starting training</source>
            <translation>开始训练</translation>
        </message>
        <message>
            <source>Open a model and a dataset first.</source>
            <translation>请先打开模型和数据集。</translation>
        </message>
        <message>
            <source>Training %1 for %2 steps: %3 trainable values (%4 training, %5 held-out examples; %6 rows skipped)</source>
            <translation>使用 %1 训练 %2 步：%3 个可训练数值（%4 个训练样本，%5 个留出样本；跳过 %6 行）</translation>
        </message>
        <message>
            <source>Warning: %1</source>
            <translation>警告：%1</translation>
        </message>
        <message>
            <source>Warning: eps is above 10% of the scales of %1 weights; steps that large wreck them. Lower eps, or make the perturbation relative to each weight&apos;s scale (Method page).</source>
            <translation>警告：eps 超过 %1 个权重的缩放值的 10%；这么大的扰动会破坏它们。请调小 eps，或让扰动相对于各权重的缩放值（方法页）。</translation>
        </message>
        <message>
            <source>Warning: the relative eps moves every weight&apos;s scales by more than 10%; lower it.</source>
            <translation>警告：相对 eps 使每个权重的缩放值变化超过 10%；请调小它。</translation>
        </message>
        <message>
            <source>Note: %1</source>
            <translation>注意：%1</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>已停止</translation>
        </message>
        <message>
            <source>step %1: validation loss %2%3</source>
            <translation>第 %1 步：验证损失 %2%3</translation>
        </message>
        <message>
            <source>, accuracy %1%</source>
            <translation>，准确率 %1%</translation>
        </message>
        <message>
            <source>stopped early: the validation loss stopped improving</source>
            <translation>提前停止：验证损失不再下降</translation>
        </message>
        <message>
            <source>finished</source>
            <translation>已完成</translation>
        </message>
        <message>
            <source>Training step %1</source>
            <translation>第 %1 步训练</translation>
        </message>
        <message>
            <source>stopped by an error</source>
            <translation>因错误停止</translation>
        </message>
        <message>
            <source>paused after step %1</source>
            <translation>在第 %1 步后暂停</translation>
        </message>
        <message>
            <source>resumed</source>
            <translation>已继续</translation>
        </message>
        <message>
            <source>training %1 after %2 steps</source>
            <translation>训练在 %2 步后%1</translation>
        </message>
        <message>
            <source>Comparing answers</source>
            <translation>对比回答</translation>
        </message>
        <message>
            <source>Open a model first.</source>
            <translation>请先打开模型。</translation>
        </message>
        <message>
            <source>%1 tokens, %2 tokens/s</source>
            <translation>%1 个词元，%2 词元/秒</translation>
        </message>
        <message>
            <source>unusable: %1</source>
            <translation>不可用：%1</translation>
        </message>
        <message>
            <source>No GPU: %1</source>
            <translation>没有 GPU：%1</translation>
        </message>
        <message>
            <source>Exporting the model</source>
            <translation>导出模型</translation>
        </message>
        <message>
            <source>Train first, and wait until the run has ended.</source>
            <translation>请先训练，并等待训练结束。</translation>
        </message>
        <message>
            <source>fine-tuned model written to %1</source>
            <translation>微调后的模型已写入 %1</translation>
        </message>
        <message>
            <source>%1: %2 tensors, %3</source>
            <translation>%1：%2 个张量，%3</translation>
        </message>
        <message>
            <source>Planning memory</source>
            <translation>估算内存</translation>
        </message>
        <message>
            <source>%1, %2 free of %3</source>
            <translation>%1，%3 中可用 %2</translation>
        </message>
        <message>
            <source>also written: %1</source>
            <translation>另外写入：%1</translation>
        </message>
        <message>
            <source>Loading the mask</source>
            <translation>加载掩码</translation>
        </message>
        <message>
            <source>Open a model first: a mask is checked against the model it is used with.</source>
            <translation>请先打开模型：掩码需要对照使用它的模型进行检查。</translation>
        </message>
        <message>
            <source>Mask %1: %2 sensitive entries (%3%)</source>
            <translation>掩码 %1：%2 个敏感元素（%3%）</translation>
        </message>
        <message>
            <source>Computing the mask</source>
            <translation>计算掩码</translation>
        </message>
        <message>
            <source>Stop the training run before computing a mask.</source>
            <translation>请先停止训练，再计算掩码。</translation>
        </message>
        <message>
            <source>no calibration text: choose plain-text files, or run scripts/setup.sh, which puts Jane Austen's novels in %1</source>
            <translation>没有校准文本：请选择纯文本文件，或运行 scripts/setup.sh，它会把简·奥斯汀的小说放到 %1</translation>
        </message>
        <message>
            <source>Calibration: %1 windows of %2 tokens from %3 file(s)</source>
            <translation>校准：来自 %3 个文件的 %1 个窗口，每个 %2 个词元</translation>
        </message>
        <message>
            <source>cannot create the folder %1</source>
            <translation>无法创建文件夹 %1</translation>
        </message>
        <message>
            <source>Mask written to %1: %2 sensitive entries in %3 s</source>
            <translation>掩码已写入 %1：%2 个敏感元素，用时 %3 秒</translation>
        </message>
        <message>
            <source>Cancelled: no mask was written.</source>
            <translation>已取消：未写入掩码。</translation>
        </message>
        <message>
            <source>resumed from %1 after step %2</source>
            <translation>已从 %1 恢复，接续第 %2 步之后</translation>
        </message>
        <message>
            <source>Run folder: %1 (checkpoint and metrics.jsonl)</source>
            <translation>运行文件夹：%1（检查点和 metrics.jsonl）</translation>
        </message>
        <message>
            <source>stopped: training diverged</source>
            <translation>已停止：训练发散</translation>
        </message>
        <message>
            <source>step %1: rolled back to the state before step %2 (%3); learning rate now %4 times the setting</source>
            <translation>第 %1 步：已回滚到第 %2 步之前的状态（%3）；学习率现为设定值的 %4 倍</translation>
        </message>
        <message>
            <source>checkpoint written: %1</source>
            <translation>已写入检查点：%1</translation>
        </message>
        <message>
            <source>Warning: checkpoint not written: %1; training goes on and tries again at the next one</source>
            <translation>警告：未能写入检查点：%1；训练继续，并在下一个检查点时重试</translation>
        </message>
        <message>
            <source>Warning: checkpoint not written: %1</source>
            <translation>警告：未能写入检查点：%1</translation>
        </message>
        <message>
            <source>%1: this folder has no config.json, so it is no Hugging Face model folder</source>
            <translation>%1：此文件夹没有 config.json，因此不是 Hugging Face 模型文件夹</translation>
        </message>
        <message>
            <source>Converting the Hugging Face folder %1 to GGUF (%2), once, into the cache ...</source>
            <translation>正在将 Hugging Face 文件夹 %1 转换为 GGUF（%2）并存入缓存（只需一次）...</translation>
        </message>
        <message>
            <source>Converted: %1</source>
            <translation>已转换：%1</translation>
        </message>
        <message>
            <source>q/k/v biases</source>
            <translation>q/k/v 偏置</translation>
        </message>
        <message>
            <source>q/k norm</source>
            <translation>q/k 归一化</translation>
        </message>
        <message>
            <source>post-norms</source>
            <translation>后置归一化</translation>
        </message>
        <message>
            <source>neox rope</source>
            <translation>neox RoPE</translation>
        </message>
        <message>
            <source>rope frequency factors</source>
            <translation>RoPE 频率因子</translation>
        </message>
        <message>
            <source>GeGLU</source>
            <translation>GeGLU</translation>
        </message>
        <message>
            <source>fused q/k/v</source>
            <translation>融合 q/k/v</translation>
        </message>
        <message>
            <source>fused gate/up</source>
            <translation>融合 gate/up</translation>
        </message>
        <message>
            <source>attention softcap %1</source>
            <translation>注意力 softcap %1</translation>
        </message>
        <message>
            <source>final softcap %1</source>
            <translation>最终 softcap %1</translation>
        </message>
        <message>
            <source>sliding window %1 (%2 of every %3 layers)</source>
            <translation>滑动窗口 %1（每 %3 层中有 %2 层）</translation>
        </message>
        <message>
            <source>sliding window %1</source>
            <translation>滑动窗口 %1</translation>
        </message>
        <message>
            <source>tied output head</source>
            <translation>输出头与嵌入层共享权重</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MainWindow</name>
        <message>
            <source>Give me three tips for learning a new language.</source>
            <translation>给我三个学习一门新语言的建议。</translation>
        </message>
        <message>
            <source>Training %1.</source>
            <translation>训练%1。</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>处理中…</translation>
        </message>
        <message>
            <source>Ready.</source>
            <translation>就绪。</translation>
        </message>
        <message>
            <source>Open a model</source>
            <translation>打开模型</translation>
        </message>
        <message>
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Open a dataset</source>
            <translation>打开数据集</translation>
        </message>
        <message>
            <source>Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)</source>
            <translation>数据集 (*.jsonl *.json *.csv *.tsv *.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Load a session</source>
            <translation>加载会话</translation>
        </message>
        <message>
            <source>Sessions (*.json)</source>
            <translation>会话 (*.json)</translation>
        </message>
        <message>
            <source>Save the session</source>
            <translation>保存会话</translation>
        </message>
        <message>
            <source>About QuantTune</source>
            <translation>关于 QuantTune</translation>
        </message>
        <message>
            <source>&lt;b&gt;QuantTune %1&lt;/b&gt;&lt;br&gt;Fine-tunes quantized language models on the computer you have: zeroth-order (QZO, MeZO) or through the backward pass (QLoRA, full fine-tuning with AdamW).</source>
            <translation>&lt;b&gt;QuantTune %1&lt;/b&gt;&lt;br&gt;在你现有的电脑上微调量化语言模型：零阶方法（QZO、MeZO）或借助反向传播（QLoRA、使用 AdamW 的全量微调）。</translation>
        </message>
        <message>
            <source>Open a model first (Model page).</source>
            <translation>请先打开模型（模型页）。</translation>
        </message>
        <message>
            <source>Open a dataset first (Dataset page).</source>
            <translation>请先打开数据集（数据集页）。</translation>
        </message>
        <message>
            <source>Fix the settings on the Method page: %1</source>
            <translation>请修正方法页中的设置：%1</translation>
        </message>
        <message>
            <source>Starting training</source>
            <translation>开始训练</translation>
        </message>
        <message>
            <source>Saving the session</source>
            <translation>保存会话</translation>
        </message>
        <message>
            <source>Session saved to %1.</source>
            <translation>会话已保存到 %1。</translation>
        </message>
        <message>
            <source>Session loaded from %1.</source>
            <translation>已从 %1 加载会话。</translation>
        </message>
        <message>
            <source>Loading the session</source>
            <translation>加载会话</translation>
        </message>
        <message>
            <source>Error — %1: %2</source>
            <translation>错误 — %1：%2</translation>
        </message>
        <message>
            <source>Nothing was lost: your settings and the loaded model stay as they were.</source>
            <translation>没有任何丢失：你的设置和已加载的模型保持不变。</translation>
        </message>
        <message>
            <source>Training is running</source>
            <translation>训练正在进行</translation>
        </message>
        <message>
            <source>A training run is in progress. Stop it after the current step and quit?</source>
            <translation>训练正在进行。在当前步骤后停止并退出吗？</translation>
        </message>
        <message>
            <source>QuantTune — fine-tune quantized language models</source>
            <translation>QuantTune — 微调量化语言模型</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <source>Dataset</source>
            <translation>数据集</translation>
        </message>
        <message>
            <source>Method</source>
            <translation>方法</translation>
        </message>
        <message>
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>Training</source>
            <translation>训练</translation>
        </message>
        <message>
            <source>Memory</source>
            <translation>内存</translation>
        </message>
        <message>
            <source>Compare</source>
            <translation>对比</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>Open &amp;model…</source>
            <translation>打开模型(&amp;M)…</translation>
        </message>
        <message>
            <source>Open &amp;dataset…</source>
            <translation>打开数据集(&amp;D)…</translation>
        </message>
        <message>
            <source>&amp;Load session…</source>
            <translation>加载会话(&amp;L)…</translation>
        </message>
        <message>
            <source>&amp;Save session…</source>
            <translation>保存会话(&amp;S)…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>&amp;Settings</source>
            <translation>设置(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Preferences…</source>
            <translation>首选项(&amp;P)…</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;About QuantTune</source>
            <translation>关于 QuantTune(&amp;A)</translation>
        </message>
        <message>
            <source>Export the fine-tuned model</source>
            <translation>导出微调后的模型</translation>
        </message>
        <message>
            <source>&amp;Export fine-tuned model…</source>
            <translation>导出微调后的模型(&amp;E)…</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>Wait until the mask is computed (Method page).</source>
            <translation>请等待掩码计算完成（“方法”页）。</translation>
        </message>
        <message>
            <source>Resume the unfinished run?</source>
            <translation>继续未完成的运行？</translation>
        </message>
        <message>
            <source>A %1 run of this model stopped after step %2 of %3. Go on from there, or start over (its checkpoint is replaced)?</source>
            <translation>此模型的一次 %1 运行在第 %2 步（共 %3 步）后停止。从那里继续，还是重新开始（其检查点将被替换）？</translation>
        </message>
        <message>
            <source>Resume from step %1</source>
            <translation>从第 %1 步继续</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>重新开始</translation>
        </message>
        <message>
            <source>A run stopped before its end:

model: %1
method: %2
step %3 of %4

Open its model and dataset and go on from there?</source>
            <translation>一次运行在结束前停止：

模型：%1
方法：%2
第 %3 步，共 %4 步

打开其模型和数据集并从那里继续？</translation>
        </message>
        <message>
            <source>Resuming the run</source>
            <translation>继续运行</translation>
        </message>
        <message>
            <source>The run&apos;s model %1 or dataset %2 is no longer there.</source>
            <translation>该运行的模型 %1 或数据集 %2 已不存在。</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MemoryView</name>
        <message>
            <source>This run, now
(memory ledger)</source>
            <translation>本次运行，当前
（内存账本）</translation>
        </message>
        <message>
            <source>device capacity: unknown</source>
            <translation>设备容量：未知</translation>
        </message>
        <message>
            <source>- - device capacity %1</source>
            <translation>- - 设备容量 %1</translation>
        </message>
        <message>
            <source>device capacity %1 (above the chart)</source>
            <translation>设备容量 %1（超出图表上方）</translation>
        </message>
        <message>
            <source>Now on %1: %2 in use, peak %3 since the run started. Planned bars come from the engine's plan for this model (hover the Model page's table for the basis of each).</source>
            <translation>当前在 %1 上：已用 %2，本次运行峰值 %3。预估柱来自引擎对该模型的规划（将鼠标悬停在模型页的表格上可查看各项依据）。</translation>
        </message>
        <message>
            <source>no device yet</source>
            <translation>尚无设备</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;: %2 (%3 bytes)&lt;br&gt;%4</source>
            <translation>&lt;b&gt;%1&lt;/b&gt;：%2（%3 字节）&lt;br&gt;%4</translation>
        </message>
        <message>
            <source>memory (MB)</source>
            <translation>内存 (MB)</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MethodMetricPlots</name>
        <message>
            <source>Per-layer counts so far</source>
            <translation>各层累计计数</translation>
        </message>
        <message>
            <source>layer</source>
            <translation>层</translation>
        </message>
        <message>
            <source>count</source>
            <translation>次数</translation>
        </message>
        <message>
            <source>%1 by layer and step</source>
            <translation>%1（按层和步）</translation>
        </message>
        <message>
            <source>step</source>
            <translation>步</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MethodPanel</name>
        <message>
            <source>Learning rate: "%1" is not a number</source>
            <translation>学习率："%1" 不是数字</translation>
        </message>
        <message>
            <source>Perturbation size: "%1" is not a number</source>
            <translation>扰动大小："%1" 不是数字</translation>
        </message>
        <message>
            <source>Clipping threshold: "%1" is not a number</source>
            <translation>裁剪阈值："%1" 不是数字</translation>
        </message>
        <message>
            <source>Warm-up steps (%1) must be fewer than the steps (%2)</source>
            <translation>预热步数（%1）必须少于总步数（%2）</translation>
        </message>
        <message>
            <source>✔ These settings are valid.</source>
            <translation>✔ 这些设置有效。</translation>
        </message>
        <message>
            <source>✘ %1</source>
            <translation>✘ %1</translation>
        </message>
        <message>
            <source>Training method</source>
            <translation>训练方法</translation>
        </message>
        <message>
            <source>Safe defaults</source>
            <translation>安全默认值</translation>
        </message>
        <message>
            <source>Settings that train gently and stop soon: good for a first try.</source>
            <translation>温和训练、很快结束的设置：适合第一次尝试。</translation>
        </message>
        <message>
            <source>Paper settings</source>
            <translation>论文设置</translation>
        </message>
        <message>
            <source>The settings of the MeZO and QZO papers: perturbation 1e-3, learning rate 1e-6, 16 examples per step, 20,000 steps. Takes long on a CPU.</source>
            <translation>MeZO 和 QZO 论文中的设置：扰动 1e-3，学习率 1e-6，每步 16 个样本，20,000 步。在 CPU 上耗时较长。</translation>
        </message>
        <message>
            <source>How the model is changed. Zeroth-order methods only run the model forward, so they need about as much memory as answering a question. First-order methods also run the backward pass and keep gradients and optimizer states: more memory, more progress per step.</source>
            <translation>模型如何被修改。零阶方法只运行前向传播，所需内存与回答一个问题差不多。一阶方法还要运行反向传播，并保存梯度和优化器状态：内存更多，每步进展更大。</translation>
        </message>
        <message>
            <source>Hyperparameters</source>
            <translation>超参数</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>步数</translation>
        </message>
        <message>
            <source>How many times the model is nudged. More steps learn more and take longer.</source>
            <translation>模型被调整的次数。步数越多，学到越多，耗时也越长。</translation>
        </message>
        <message>
            <source>Examples per step</source>
            <translation>每步样本数</translation>
        </message>
        <message>
            <source>How many examples are averaged for each nudge (batch size). More is steadier but slower.</source>
            <translation>每次调整取平均的样本数（批大小）。越多越稳定，但越慢。</translation>
        </message>
        <message>
            <source>Learning rate</source>
            <translation>学习率</translation>
        </message>
        <message>
            <source>How big each nudge is. Too big and the loss jumps around or explodes; too small and nothing changes. Choosing another method sets its own default, unless you typed a value.</source>
            <translation>每次调整的幅度。太大，损失会跳动甚至发散；太小，则几乎没有变化。切换方法时会改用该方法的默认值，除非你自己输入过数值。</translation>
        </message>
        <message>
            <source>Perturbation size</source>
            <translation>扰动大小</translation>
        </message>
        <message>
            <source>How far the method pokes the values to feel which way is downhill (epsilon). 1e-3 is usual.</source>
            <translation>方法为探测下降方向而对数值施加的扰动幅度（epsilon）。通常为 1e-3。</translation>
        </message>
        <message>
            <source>Clipping threshold</source>
            <translation>裁剪阈值</translation>
        </message>
        <message>
            <source>QZO only: the largest slope a single step may act on; bigger slopes are cut to it, which keeps training stable.</source>
            <translation>仅限 QZO：单步可采用的最大斜率；更大的斜率会被裁剪到该值，使训练保持稳定。</translation>
        </message>
        <message>
            <source>Learning-rate schedule</source>
            <translation>学习率调度</translation>
        </message>
        <message>
            <source>Keep the rate constant, or lower it gradually (linearly or along a cosine curve) towards the end.</source>
            <translation>保持学习率不变，或在后期逐渐降低（线性或余弦曲线）。</translation>
        </message>
        <message>
            <source>Warm-up steps</source>
            <translation>预热步数</translation>
        </message>
        <message>
            <source>Steps at the start during which the rate rises from zero to its full value.</source>
            <translation>开始阶段学习率从零升至设定值所用的步数。</translation>
        </message>
        <message>
            <source>Final rate (fraction)</source>
            <translation>最终学习率（比例）</translation>
        </message>
        <message>
            <source>With a decaying schedule: the rate at the end, as a fraction of the full rate.</source>
            <translation>使用衰减调度时：结束时的学习率占设定值的比例。</translation>
        </message>
        <message>
            <source>Random seed</source>
            <translation>随机种子</translation>
        </message>
        <message>
            <source>Fixes all random choices, so the same settings give the same run.</source>
            <translation>固定所有随机选择，相同设置会得到相同的运行结果。</translation>
        </message>
        <message>
            <source>Max tokens per example</source>
            <translation>每个样本的最大词元数</translation>
        </message>
        <message>
            <source>Longer examples are shortened. Shorter examples train faster and use less memory.</source>
            <translation>更长的样本会被截短。样本越短，训练越快、内存越少。</translation>
        </message>
        <message>
            <source>Held-out fraction</source>
            <translation>留出比例</translation>
        </message>
        <message>
            <source>The share of examples kept aside to check the model on text it was not trained on.</source>
            <translation>留出的样本比例，用于在未训练过的文本上检验模型。</translation>
        </message>
        <message>
            <source>Check every N steps</source>
            <translation>每 N 步检查一次</translation>
        </message>
        <message>
            <source>How often the held-out loss is measured (0: only at the end).</source>
            <translation>测量留出损失的频率（0：仅在结束时）。</translation>
        </message>
        <message>
            <source>Examples per check</source>
            <translation>每次检查的样本数</translation>
        </message>
        <message>
            <source>How many held-out examples each check uses (0: all).</source>
            <translation>每次检查使用的留出样本数（0：全部）。</translation>
        </message>
        <message>
            <source>Patience</source>
            <translation>耐心值</translation>
        </message>
        <message>
            <source>Stop early after this many checks without improvement (0: never stop early).</source>
            <translation>连续这么多次检查没有改进就提前停止（0：从不提前停止）。</translation>
        </message>
        <message>
            <source>Also train block minimums</source>
            <translation>同时训练块最小值</translation>
        </message>
        <message>
            <source>Relative perturbation</source>
            <translation>相对扰动</translation>
        </message>
        <message>
            <source>QZO only: perturbation, learning rate and clipping in units of each weight&apos;s typical scale, so that K-quant models (Q4_K_M, Q6_K ...), whose scales are 50 to 300 times smaller than Q4_1&apos;s, are not wrecked by a perturbation meant for Q4_1. Ticking it sets perturbation %1, learning rate %2 and clipping %3, which match the absolute defaults on Q4_1.</source>
            <translation>仅 QZO：扰动、学习率和裁剪阈值都以各权重的典型缩放值为单位，这样 K-quant 模型（Q4_K_M、Q6_K ……）的缩放值比 Q4_1 小 50 到 300 倍，也不会被为 Q4_1 设定的扰动破坏。勾选后扰动设为 %1、学习率设为 %2、裁剪阈值设为 %3，与 Q4_1 上绝对模式的默认值相当。</translation>
        </message>
        <message>
            <source>in units of each weight&apos;s scale</source>
            <translation>以各权重的缩放值为单位</translation>
        </message>
        <message>
            <source>Choose the unit for me</source>
            <translation>自动选择单位</translation>
        </message>
        <message>
            <source>QZO only: at the start of a run, look at the model&apos;s scales. Where the perturbation size would move some weight&apos;s scales by more than a tenth of themselves (K-quant files such as Q4_K_M: their super-block scales are 10 to 300 times smaller than Q4_1&apos;s), train in units of each weight&apos;s scale with their defaults (perturbation %1, learning rate %2, clipping %3) and say so in the log. Only while the three are at their usual values: numbers you typed are kept as they are.</source>
            <translation>仅限 QZO：训练开始时检查模型的缩放因子。若扰动大小会使某个权重的缩放因子变化超过其自身的十分之一（如 Q4_K_M 等 K 量化文件：其超块缩放因子比 Q4_1 的小 10 到 300 倍），则以每个权重自身的缩放为单位、用其默认值（扰动 %1，学习率 %2，裁剪 %3）训练，并在日志中说明。仅当这三项保持常用值时生效：您输入的数值保持不变。</translation>
        </message>
        <message>
            <source>relative where the model&apos;s scales need it</source>
            <translation>在模型缩放需要时使用相对单位</translation>
        </message>
        <message>
            <source>QZO only: also train the offset m of Q4_1/Q5_1 blocks. Off in the paper.</source>
            <translation>仅限 QZO：同时训练 Q4_1/Q5_1 块的偏移 m。论文中未启用。</translation>
        </message>
        <message>
            <source>constant</source>
            <translation>恒定</translation>
        </message>
        <message>
            <source>linear decay</source>
            <translation>线性衰减</translation>
        </message>
        <message>
            <source>cosine decay</source>
            <translation>余弦衰减</translation>
        </message>
        <message>
            <source>Q4_1/Q5_1 minimum m</source>
            <translation>Q4_1/Q5_1 最小值 m</translation>
        </message>
        <message>
            <source>Learning rate %1 is far too large for zeroth-order training (it must be below 1)</source>
            <translation>学习率 %1 对零阶训练来说太大了（必须小于 1）</translation>
        </message>
        <message>
            <source>Attention: query projection (attn_q)</source>
            <translation>注意力：查询投影（attn_q）</translation>
        </message>
        <message>
            <source>Attention: key projection (attn_k)</source>
            <translation>注意力：键投影（attn_k）</translation>
        </message>
        <message>
            <source>Attention: value projection (attn_v)</source>
            <translation>注意力：值投影（attn_v）</translation>
        </message>
        <message>
            <source>Attention: output projection (attn_output)</source>
            <translation>注意力：输出投影（attn_output）</translation>
        </message>
        <message>
            <source>Feed-forward: gate projection (ffn_gate)</source>
            <translation>前馈网络：门控投影（ffn_gate）</translation>
        </message>
        <message>
            <source>Feed-forward: up projection (ffn_up)</source>
            <translation>前馈网络：升维投影（ffn_up）</translation>
        </message>
        <message>
            <source>Feed-forward: down projection (ffn_down)</source>
            <translation>前馈网络：降维投影（ffn_down）</translation>
        </message>
        <message>
            <source>also: %1</source>
            <translation>另外：%1</translation>
        </message>
        <message>
            <source>LoRA alpha: "%1" is not a number</source>
            <translation>LoRA alpha："%1" 不是数字</translation>
        </message>
        <message>
            <source>Weight decay: "%1" is not a number</source>
            <translation>权重衰减："%1" 不是数字</translation>
        </message>
        <message>
            <source>Gradient clipping: "%1" is not a number</source>
            <translation>梯度裁剪："%1" 不是数字</translation>
        </message>
        <message>
            <source>The settings QLoRA's authors trained Guanaco 7B with: rank 64, alpha 16 on every linear layer, learning rate 2e-4 after a 3% warm-up, 16 examples per step, 1,875 steps, gradient clipping at 0.3. Takes long on a CPU.</source>
            <translation>QLoRA 作者训练 Guanaco 7B 时使用的设置：所有线性层上秩 64、alpha 16，3% 预热后学习率 2e-4，每步 16 个样本，1,875 步，梯度裁剪阈值 0.3。在 CPU 上耗时很长。</translation>
        </message>
        <message>
            <source>No published settings for this method.</source>
            <translation>此方法没有公开发表的设置。</translation>
        </message>
        <message>
            <source>Zeroth-order settings</source>
            <translation>零阶设置</translation>
        </message>
        <message>
            <source>First-order settings (backward pass, AdamW)</source>
            <translation>一阶设置（反向传播，AdamW）</translation>
        </message>
        <message>
            <source>LoRA rank</source>
            <translation>LoRA 秩</translation>
        </message>
        <message>
            <source>QLoRA only: the size r of each adapter pair (A is r × inputs, B is outputs × r). A larger rank can learn more and needs more memory; 8 to 64 is usual.</source>
            <translation>仅限 QLoRA：每对适配器的大小 r（A 为 r × 输入维度，B 为输出维度 × r）。秩越大，能学到的越多，内存也越多；常用 8 到 64。</translation>
        </message>
        <message>
            <source>LoRA alpha</source>
            <translation>LoRA alpha</translation>
        </message>
        <message>
            <source>QLoRA only: the adapters' output is multiplied by alpha / rank before it is added to the layer's.</source>
            <translation>仅限 QLoRA：适配器的输出先乘以 alpha / 秩，再加到该层的输出上。</translation>
        </message>
        <message>
            <source>Adapted layers</source>
            <translation>适配的层</translation>
        </message>
        <message>
            <source>QLoRA only: which linear layers of every block get an adapter: the attention projections q, k, v, o and the feed-forward projections gate, up, down. At least one stays ticked; more layers learn more and use more memory.</source>
            <translation>仅限 QLoRA：每个块中哪些线性层挂上适配器：注意力投影 q、k、v、o 和前馈投影 gate、up、down。至少保留一项勾选；层越多，学得越多，内存也越多。</translation>
        </message>
        <message>
            <source>Weight decay</source>
            <translation>权重衰减</translation>
        </message>
        <message>
            <source>AdamW pulls every trained value a little towards zero each step, by learning rate × decay (0: off, as QLoRA trains).</source>
            <translation>AdamW 每一步都把每个训练值向零拉近一点，幅度为学习率 × 衰减（0：关闭，QLoRA 即如此训练）。</translation>
        </message>
        <message>
            <source>Gradient clipping</source>
            <translation>梯度裁剪</translation>
        </message>
        <message>
            <source>When the gradient's overall size (its global norm) is above this, it is scaled down to it before the AdamW step, so that one odd batch cannot wreck the model (0: off).</source>
            <translation>当梯度的整体大小（全局范数）超过此值时，会在 AdamW 更新前按比例缩小到该值，这样一个异常批次就不会毁掉模型（0：关闭）。</translation>
        </message>
        <message>
            <source>Activation checkpointing</source>
            <translation>激活检查点</translation>
        </message>
        <message>
            <source>Keeps only each block's input during the forward pass and recomputes the rest in the backward pass: much less memory for about one more forward pass per step.</source>
            <translation>前向传播时只保留每个块的输入，其余部分在反向传播中重新计算：大幅减少内存，代价是每步大约多一次前向传播。</translation>
        </message>
        <message>
            <source>recompute activations in the backward pass</source>
            <translation>在反向传播中重新计算激活值</translation>
        </message>
        <message>
            <source>%1 settings</source>
            <translation>%1 设置</translation>
        </message>
        <message>
            <source>Sparse ZO needs a sensitive-entry mask: load a .qtsparse file or compute one for this model (Sensitive-entry mask, on the right).</source>
            <translation>稀疏 ZO 需要敏感元素掩码：请加载 .qtsparse 文件，或为此模型计算一个（右侧的“敏感元素掩码”）。</translation>
        </message>
        <message>
            <source>Safety</source>
            <translation>安全</translation>
        </message>
        <message>
            <source>Checkpoint every N steps</source>
            <translation>每 N 步保存检查点</translation>
        </message>
        <message>
            <source>How often the run saves its progress to its folder, so that a crash or a closed window loses at most this many steps: Start then offers to go on from there.</source>
            <translation>运行将进度保存到其文件夹的频率，这样崩溃或关闭窗口最多只损失这么多步：之后“开始”会提供从那里继续的选项。</translation>
        </message>
        <message>
            <source>Checkpoint every N minutes</source>
            <translation>每 N 分钟保存检查点</translation>
        </message>
        <message>
            <source>Also save the progress when this many minutes have passed since the last save, however few steps that was (0: only by steps).</source>
            <translation>距上次保存经过这么多分钟时也保存进度，无论其间有多少步（0：只按步数）。</translation>
        </message>
        <message>
            <source>Divergence guard</source>
            <translation>发散保护</translation>
        </message>
        <message>
            <source>Watches every step: when the loss comes out as NaN or infinite, or jumps far above its usual level, the step is undone, the model goes back to its last good state and the learning rate is lowered. Keeps two copies of the trained values in main memory.</source>
            <translation>监视每一步：当损失为 NaN 或无穷大，或远高于通常水平时，撤销该步，模型回到最近的良好状态，并降低学习率。在主内存中保留两份训练值副本。</translation>
        </message>
        <message>
            <source>undo steps that blow up</source>
            <translation>撤销发散的步骤</translation>
        </message>
        <message>
            <source>Spike factor</source>
            <translation>突增倍数</translation>
        </message>
        <message>
            <source>A step whose loss is more than this many times the lowest running average of the loss so far counts as a blow-up (it must be above 1; 3 is the default).</source>
            <translation>某步的损失超过迄今损失最低滑动平均值的这么多倍即视为发散（必须大于 1；默认 3）。</translation>
        </message>
        <message>
            <source>Learning-rate factor</source>
            <translation>学习率倍数</translation>
        </message>
        <message>
            <source>After each rollback the learning rate is multiplied by this (0.25: a quarter of what it was).</source>
            <translation>每次回滚后学习率乘以此值（0.25：变为原来的四分之一）。</translation>
        </message>
        <message>
            <source>Max rollbacks in a row</source>
            <translation>最多连续回滚次数</translation>
        </message>
        <message>
            <source>Stop the run after this many rollbacks with no good step in between: the settings need changing.</source>
            <translation>连续回滚这么多次且其间没有良好步骤时停止运行：需要修改设置。</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::ModelPanel</name>
        <message>
            <source>Open a model</source>
            <translation>打开模型</translation>
        </message>
        <message>
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Method</source>
            <translation>方法</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <source>Fits on %1?</source>
            <translation>%1 放得下吗？</translation>
        </message>
        <message>
            <source>the device</source>
            <translation>该设备</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <source>yes (%1%)</source>
            <translation>是（%1%）</translation>
        </message>
        <message>
            <source>no: %1 over</source>
            <translation>否：超出 %1</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <source>Choose a GGUF model file on this computer.</source>
            <translation>在本机上选择一个 GGUF 模型文件。</translation>
        </message>
        <message>
            <source>Load the model named in the box (recent models are in its list).</source>
            <translation>加载框中指定的模型（最近使用的模型在其列表中）。</translation>
        </message>
        <message>
            <source>About this model</source>
            <translation>关于此模型</translation>
        </message>
        <message>
            <source>Planned by the engine from the file before training; hover a method for where its numbers come from. The Memory page shows what a run really holds.</source>
            <translation>由引擎在训练前根据文件估算；将鼠标悬停在方法上可查看数字来源。内存页显示运行时的实际占用。</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Architecture: %2&lt;br&gt;Parameters: %3 (%4 M)&lt;br&gt;File size: %5 (tensors %6)&lt;br&gt;Quantization: %7&lt;br&gt;Layers: %8, embedding width %9, attention heads %10 (key/value heads %11)&lt;br&gt;Context: %12 tokens, vocabulary %13 tokens&lt;br&gt;Chat template: %14&lt;br&gt;Loaded on: %15</source>
            <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;架构：%2&lt;br&gt;参数：%3（%4 M）&lt;br&gt;文件大小：%5（张量 %6）&lt;br&gt;量化：%7&lt;br&gt;层数：%8，嵌入宽度 %9，注意力头 %10（键/值头 %11）&lt;br&gt;上下文：%12 个词元，词表 %13 个词元&lt;br&gt;对话模板：%14&lt;br&gt;运行于：%15</translation>
        </message>
        <message>
            <source>Memory each method would need</source>
            <translation>各方法所需内存</translation>
        </message>
        <message>
            <source>Memory each method would need (sequences of %1 tokens, %2 per step, as on the Method page)</source>
            <translation>各方法所需内存（序列 %1 个词元，每步 %2 个，与方法页一致）</translation>
        </message>
        <message>
            <source>Open a Hugging Face model folder</source>
            <translation>打开 Hugging Face 模型文件夹</translation>
        </message>
        <message>
            <source>Not found: %1</source>
            <translation>未找到：%1</translation>
        </message>
        <message>
            <source>A Hugging Face folder: click to open it (converted once, then cached).</source>
            <translation>Hugging Face 文件夹：点击打开（只转换一次，之后使用缓存）。</translation>
        </message>
        <message>
            <source>Click to open this model.</source>
            <translation>点击打开此模型。</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>No model loaded yet. Press Open to load the one named above, or drop a .gguf file or a model folder on this page.</source>
            <translation>尚未加载模型。点击“打开”加载上方指定的模型，或将 .gguf 文件或模型文件夹拖放到此页面。</translation>
        </message>
        <message>
            <source>Open folder…</source>
            <translation>打开文件夹…</translation>
        </message>
        <message>
            <source>Choose a Hugging Face model folder (config.json, safetensors, tokenizer.json): it is converted to GGUF once and kept in the cache. You can also drop a file or folder here.</source>
            <translation>选择一个 Hugging Face 模型文件夹（config.json、safetensors、tokenizer.json）：它只需转换为 GGUF 一次，并保存在缓存中。也可以将文件或文件夹拖放到这里。</translation>
        </message>
        <message>
            <source>Recent models</source>
            <translation>最近使用的模型</translation>
        </message>
        <message>
            <source>What each method can train in this model</source>
            <translation>各方法在此模型中可训练的内容</translation>
        </message>
        <message>
            <source>Opening %1…</source>
            <translation>正在打开 %1…</translation>
        </message>
        <message>
            <source>Converting %1 to GGUF (%2)… this can take a while; it happens once per folder.</source>
            <translation>正在将 %1 转换为 GGUF（%2）… 这可能需要一段时间；每个文件夹只需转换一次。</translation>
        </message>
        <message>
            <source>Model file (.gguf) or Hugging Face folder</source>
            <translation>模型文件（.gguf）或 Hugging Face 文件夹</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>Language:</source>
            <translation>语言：</translation>
        </message>
        <message>
            <source>Open the last model (or the default model) when QuantTune starts</source>
            <translation>QuantTune 启动时打开上次的模型（或默认模型）</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskDialog</name>
        <message>
            <source>The gradient criterion needs calibration text: choose plain-text files, or run scripts/setup.sh, which puts Jane Austen's novels in %1.</source>
            <translation>梯度准则需要校准文本：请选择纯文本文件，或运行 scripts/setup.sh，它会把简·奥斯汀的小说放到 %1。</translation>
        </message>
        <message>
            <source>Say where to save the mask.</source>
            <translation>请指定掩码的保存位置。</translation>
        </message>
        <message>
            <source>Not needed: this criterion reads no text.</source>
            <translation>不需要：此准则不读取文本。</translation>
        </message>
        <message>
            <source>No default calibration text found: scripts/setup.sh puts Jane Austen's novels in %1. Or choose plain-text files of your own.</source>
            <translation>未找到默认校准文本：scripts/setup.sh 会把简·奥斯汀的小说放到 %1。也可以选择你自己的纯文本文件。</translation>
        </message>
        <message>
            <source>Default: Jane Austen's novels, generic English text as in the paper.</source>
            <translation>默认：简·奥斯汀的小说，与论文一样使用通用英文文本。</translation>
        </message>
        <message>
            <source>Choose calibration text</source>
            <translation>选择校准文本</translation>
        </message>
        <message>
            <source>Plain text (*.txt);;All files (*)</source>
            <translation>纯文本 (*.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Save the mask as</source>
            <translation>掩码另存为</translation>
        </message>
        <message>
            <source>Sparse masks (*.qtsparse)</source>
            <translation>稀疏掩码 (*.qtsparse)</translation>
        </message>
        <message>
            <source>Compute the sensitive-entry mask</source>
            <translation>计算敏感元素掩码</translation>
        </message>
        <message>
            <source>Share of weights</source>
            <translation>权重占比</translation>
        </message>
        <message>
            <source>How many of the linear layers' weights are trained, as a share: 0.001 keeps one in a thousand. The paper uses 0.0001 to 0.01; more entries can learn more and need a little more memory (8 bytes each).</source>
            <translation>训练线性层权重中的多大比例：0.001 表示千分之一。论文使用 0.0001 到 0.01；元素越多，能学到的越多，内存也略多（每个 8 字节）。</translation>
        </message>
        <message>
            <source>Chosen over</source>
            <translation>选择范围</translation>
        </message>
        <message>
            <source>Globally: the most sensitive entries of all linear layers together, so some matrices get many and others none (the paper's choice). Per matrix: the same share of every matrix.</source>
            <translation>全局：在所有线性层中一起选出最敏感的元素，因此有的矩阵得到很多，有的一个也没有（论文的做法）。按矩阵：每个矩阵取相同比例。</translation>
        </message>
        <message>
            <source>all linear layers (global)</source>
            <translation>所有线性层（全局）</translation>
        </message>
        <message>
            <source>each matrix (per matrix)</source>
            <translation>每个矩阵（按矩阵）</translation>
        </message>
        <message>
            <source>Criterion</source>
            <translation>准则</translation>
        </message>
        <message>
            <source>How entries are ranked. Squared gradient is the method: the entries whose weights the loss on generic text is most sensitive to. Weight magnitude and random are the paper's baselines, to compare with.</source>
            <translation>元素如何排序。平方梯度是本方法：通用文本上的损失对其权重最敏感的那些元素。权重幅值和随机是论文的基线，用于对比。</translation>
        </message>
        <message>
            <source>squared gradient (sensitivity)</source>
            <translation>平方梯度（敏感度）</translation>
        </message>
        <message>
            <source>weight magnitude (baseline)</source>
            <translation>权重幅值（基线）</translation>
        </message>
        <message>
            <source>random (baseline)</source>
            <translation>随机（基线）</translation>
        </message>
        <message>
            <source>The sum of each weight's squared gradient over the calibration sequences (a diagonal Fisher estimate): the entries that matter most to the model. One backward pass per sequence.</source>
            <translation>每个权重在校准序列上的平方梯度之和（对角 Fisher 估计）：对模型最重要的元素。每个序列一次反向传播。</translation>
        </message>
        <message>
            <source>A baseline of the paper: the entries with the largest |weight|, no text needed. The paper found it trains worse than the gradient's choice.</source>
            <translation>论文的一个基线：|权重| 最大的元素，不需要文本。论文发现其训练效果不如按梯度选择。</translation>
        </message>
        <message>
            <source>A baseline of the paper: as many entries drawn at random (seeded), no text needed. Shows what the choice of entries is worth.</source>
            <translation>论文的一个基线：随机抽取同样数量的元素（固定种子），不需要文本。用来显示元素选择的价值。</translation>
        </message>
        <message>
            <source>Calibration sequences</source>
            <translation>校准序列数</translation>
        </message>
        <message>
            <source>How many windows of text the squared gradients are summed over, one backward pass each. More gives a steadier choice and takes longer.</source>
            <translation>平方梯度在多少个文本窗口上求和，每个窗口一次反向传播。越多选择越稳定，耗时也越长。</translation>
        </message>
        <message>
            <source>Window length</source>
            <translation>窗口长度</translation>
        </message>
        <message>
            <source>Tokens per calibration window.</source>
            <translation>每个校准窗口的词元数。</translation>
        </message>
        <message>
            <source>Calibration text</source>
            <translation>校准文本</translation>
        </message>
        <message>
            <source>Plain-text files cut into windows, spread evenly over each file. Generic text suits any later task: the mask is chosen once and reused.</source>
            <translation>把纯文本文件切成窗口，在每个文件中均匀分布。通用文本适合之后的任何任务：掩码只选一次，之后重复使用。</translation>
        </message>
        <message>
            <source>Choose .txt files…</source>
            <translation>选择 .txt 文件…</translation>
        </message>
        <message>
            <source>Default text</source>
            <translation>默认文本</translation>
        </message>
        <message>
            <source>Save as</source>
            <translation>保存为</translation>
        </message>
        <message>
            <source>The mask file (.qtsparse). Its folder is created if needed.</source>
            <translation>掩码文件（.qtsparse）。需要时会创建其文件夹。</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskHeatMap</name>
        <message>
            <source>Output head</source>
            <translation>输出头</translation>
        </message>
        <message>
            <source>Layer %1, %2</source>
            <translation>第 %1 层，%2</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 entries of %3 weights: %4%</source>
            <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%3 个权重中的 %2 个元素：%4%</translation>
        </message>
        <message>
            <source>Where the mask's entries sit</source>
            <translation>掩码元素的分布</translation>
        </message>
        <message>
            <source>linear layer</source>
            <translation>线性层</translation>
        </message>
        <message>
            <source>layer</source>
            <translation>层</translation>
        </message>
        <message>
            <source>share of the matrix in the mask (%)</source>
            <translation>矩阵在掩码中的占比（%）</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskPanel</name>
        <message>
            <source>Load a sensitive-entry mask</source>
            <translation>加载敏感元素掩码</translation>
        </message>
        <message>
            <source>Sparse masks (*.qtsparse);;All files (*)</source>
            <translation>稀疏掩码 (*.qtsparse);;所有文件 (*)</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>%1 sensitive entries: %2% of the %3 weights of the linear layers. Criterion: %4; chosen over %5.</source>
            <translation>%1 个敏感元素：占线性层 %3 个权重的 %2%。准则：%4；选择范围：%5。</translation>
        </message>
        <message>
            <source>These entries carry %1% of the squared gradient summed over %2 calibration sequences.</source>
            <translation>这些元素承载了在 %2 个校准序列上求和的平方梯度的 %1%。</translation>
        </message>
        <message>
            <source>These entries carry %1% of the squared gradient.</source>
            <translation>这些元素承载了平方梯度的 %1%。</translation>
        </message>
        <message>
            <source>The file also holds trained values, which a run starts from.</source>
            <translation>该文件还包含已训练的值，训练会从这些值开始。</translation>
        </message>
        <message>
            <source>Not in the map (no linear layer of a block, nor the head): %1.</source>
            <translation>未显示在图中（既不是块的线性层，也不是输出头）：%1。</translation>
        </message>
        <message>
            <source>Open a model first: a mask belongs to one model.</source>
            <translation>请先打开模型：掩码只属于一个模型。</translation>
        </message>
        <message>
            <source>Read a .qtsparse file and check that it was made for the open model.</source>
            <translation>读取 .qtsparse 文件，并检查它是否为当前打开的模型生成。</translation>
        </message>
        <message>
            <source>Choose the sensitive entries of the open model now (on the engine's thread; the window stays usable).</source>
            <translation>现在为打开的模型选出敏感元素（在引擎线程上运行；窗口仍可使用）。</translation>
        </message>
        <message>
            <source>starting…</source>
            <translation>正在开始…</translation>
        </message>
        <message>
            <source>pass %1 of %2: sequence %3 of %4</source>
            <translation>第 %1/%2 轮：序列 %3/%4</translation>
        </message>
        <message>
            <source>matrix %1 of %2</source>
            <translation>矩阵 %1/%2</translation>
        </message>
        <message>
            <source>No mask yet: load a .qtsparse file or compute one for the open model. Sparse ZO trains only the entries the mask names.</source>
            <translation>还没有掩码：请加载 .qtsparse 文件，或为打开的模型计算一个。稀疏 ZO 只训练掩码指定的元素。</translation>
        </message>
        <message>
            <source>Not yet checked against a model: it will be once a model is open.</source>
            <translation>尚未对照模型检查：打开模型后就会检查。</translation>
        </message>
        <message>
            <source>Computing the mask…</source>
            <translation>正在计算掩码…</translation>
        </message>
        <message>
            <source>Checking %1 against the open model…</source>
            <translation>正在对照打开的模型检查 %1…</translation>
        </message>
        <message>
            <source>✔ The mask fits the open model.</source>
            <translation>✔ 掩码与打开的模型相符。</translation>
        </message>
        <message>
            <source>Computing the mask was cancelled: no file was written.</source>
            <translation>掩码计算已取消：未写入任何文件。</translation>
        </message>
        <message>
            <source>✘ %1</source>
            <translation>✘ %1</translation>
        </message>
        <message>
            <source>No mask in use.</source>
            <translation>当前没有使用掩码。</translation>
        </message>
        <message>
            <source>The mask in use is still %1.</source>
            <translation>当前使用的掩码仍是 %1。</translation>
        </message>
        <message>
            <source>Sensitive-entry mask</source>
            <translation>敏感元素掩码</translation>
        </message>
        <message>
            <source>no mask file</source>
            <translation>没有掩码文件</translation>
        </message>
        <message>
            <source>Load…</source>
            <translation>加载…</translation>
        </message>
        <message>
            <source>Compute…</source>
            <translation>计算…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Stop the computation after the current sequence; no file is written.</source>
            <translation>在当前序列结束后停止计算；不会写入文件。</translation>
        </message>
        <message>
            <source>Sparse ZO trains a float32 value at each entry of the linear layers that this mask names, about 0.1% of them: those the loss on generic text is most sensitive to. The mask is chosen once per model and reused for every task.</source>
            <translation>稀疏 ZO 在该掩码指定的线性层每个元素处训练一个 float32 值，约占 0.1%：即通用文本上的损失最敏感的那些元素。每个模型只需选一次掩码，所有任务都可重复使用。</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::TrainingPanel</name>
        <message>
            <source>step %v of %m</source>
            <translation>第 %v / %m 步</translation>
        </message>
        <message>
            <source>elapsed %1, about %2 left</source>
            <translation>已用 %1，约剩 %2</translation>
        </message>
        <message>
            <source>Train with the settings of the Method page.</source>
            <translation>使用方法页中的设置进行训练。</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>继续</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>开始</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <source>Pause after the current step; Resume continues exactly where it stopped.</source>
            <translation>在当前步骤后暂停；“继续”会从暂停处精确接着进行。</translation>
        </message>
        <message>
            <source>End the run after the current step. The model keeps what it has learned.</source>
            <translation>在当前步骤后结束训练。模型保留已学到的内容。</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::TrainingPlots</name>
        <message>
            <source>Export plots as PNG</source>
            <translation>将图表导出为 PNG</translation>
        </message>
        <message>
            <source>PNG images (*.png)</source>
            <translation>PNG 图像 (*.png)</translation>
        </message>
        <message>
            <source>Export failed</source>
            <translation>导出失败</translation>
        </message>
        <message>
            <source>Could not write %1.</source>
            <translation>无法写入 %1。</translation>
        </message>
        <message>
            <source>Export metrics as CSV</source>
            <translation>将指标导出为 CSV</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <source>Loss (lower is better)</source>
            <translation>损失（越低越好）</translation>
        </message>
        <message>
            <source>Directional derivative and clipping</source>
            <translation>方向导数与裁剪</translation>
        </message>
        <message>
            <source>Learning rate</source>
            <translation>学习率</translation>
        </message>
        <message>
            <source>Throughput</source>
            <translation>吞吐量</translation>
        </message>
        <message>
            <source>training (this step's examples)</source>
            <translation>训练（本步样本）</translation>
        </message>
        <message>
            <source>held-out</source>
            <translation>留出集</translation>
        </message>
        <message>
            <source>raw d</source>
            <translation>原始 d</translation>
        </message>
        <message>
            <source>clipped d'</source>
            <translation>裁剪后 d'</translation>
        </message>
        <message>
            <source>clip rate (right axis)</source>
            <translation>裁剪率（右轴）</translation>
        </message>
        <message>
            <source>learning rate</source>
            <translation>学习率</translation>
        </message>
        <message>
            <source>tokens per second</source>
            <translation>每秒词元数</translation>
        </message>
        <message>
            <source>step</source>
            <translation>步</translation>
        </message>
        <message>
            <source>clip rate</source>
            <translation>裁剪率</translation>
        </message>
        <message>
            <source>Fit</source>
            <translation>适配</translation>
        </message>
        <message>
            <source>Show all points again after zooming or panning.</source>
            <translation>缩放或平移后重新显示所有点。</translation>
        </message>
        <message>
            <source>Export PNG…</source>
            <translation>导出 PNG…</translation>
        </message>
        <message>
            <source>Export CSV…</source>
            <translation>导出 CSV…</translation>
        </message>
        <message>
            <source>Gradient norm and clipping</source>
            <translation>梯度范数与裁剪</translation>
        </message>
        <message>
            <source>gradient norm (before clipping)</source>
            <translation>梯度范数（裁剪前）</translation>
        </message>
        <message>
            <source>clipped steps</source>
            <translation>被裁剪的步</translation>
        </message>
        <message>
            <source>global gradient norm</source>
            <translation>全局梯度范数</translation>
        </message>
        <message>
            <source>rollback</source>
            <translation>回滚</translation>
        </message>
        <message>
            <source>Step %1 rolled back: %2</source>
            <translation>第 %1 步已回滚：%2</translation>
        </message>
        <message>
            <source>rollback (divergence guard)</source>
            <translation>回滚（发散保护）</translation>
        </message>
    </context>
    <context>
        <name>MethodReach</name>
        <message>
            <source>nothing: the model has no trainable linears</source>
            <translation>无：该模型没有可训练的线性层</translation>
        </message>
        <message>
            <source>nothing: its linears are %1, which have no block scale (only block-quantized types such as Q8_0, Q4_1 or Q4_K do)</source>
            <translation>无：其线性层为 %1，没有块缩放因子（只有 Q8_0、Q4_1 或 Q4_K 等按块量化的类型才有）</translation>
        </message>
        <message numerus="yes">
            <source>block scales of %n linears (types %1)</source>
            <translation>
                <numerusform>%n 个线性层的块缩放因子（类型 %1）</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>; %n linears stay frozen (%1: no block scale)</source>
            <translation>
                <numerusform>；%n 个线性层保持冻结（%1：没有块缩放因子）</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>every linear: %n linears, %1 M weights (types %2)</source>
            <translation>
                <numerusform>所有线性层：%n 个线性层，%1 M 个权重（类型 %2）</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>a float32 value at each masked entry of the %n linears (types %1); a sensitivity mask chooses the entries</source>
            <translation>
                <numerusform>在 %n 个线性层（类型 %1）中掩码选中的每个元素处训练一个 float32 值；元素由敏感度掩码选出</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>low-rank adapters beside the chosen ones of the %n linears (types %1), which stay frozen</source>
            <translation>
                <numerusform>在 %n 个线性层（类型 %1）中所选的层旁挂低秩适配器，这些线性层保持冻结</numerusform>
            </translation>
        </message>
        <message>
            <source>%1, from the backward pass</source>
            <translation>%1，通过反向传播</translation>
        </message>
        <message>
            <source>%1, from two forward passes a step</source>
            <translation>%1，每步两次前向传播</translation>
        </message>
        <message>
            <source>%1, %2 layers, width %3, %4 heads (%5 KV), head %6</source>
            <translation>%1，%2 层，宽度 %3，%4 个头（%5 个 KV 头），头维度 %6</translation>
        </message>
        <message>
            <source>; %1</source>
            <translation>；%1</translation>
        </message>
    </context>
</TS>
