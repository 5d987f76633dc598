<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
    <context>
        <name>Devices</name>
        <message>
            <source>CPU</source>
            <translation>Processador</translation>
        </message>
        <message>
            <source>%1, %2 cores, %3 free of %4</source>
            <translation>%1, %2 núcleos, %3 livres de %4</translation>
        </message>
    </context>
    <context>
        <name>Memory</name>
        <message>
            <source>Weights</source>
            <translation>Pesos</translation>
        </message>
        <message>
            <source>Trainable parameters</source>
            <translation>Parâmetros treináveis</translation>
        </message>
        <message>
            <source>Gradients</source>
            <translation>Gradientes</translation>
        </message>
        <message>
            <source>Optimizer states</source>
            <translation>Estados do otimizador</translation>
        </message>
        <message>
            <source>Activations</source>
            <translation>Ativações</translation>
        </message>
        <message>
            <source>KV cache</source>
            <translation>Cache KV</translation>
        </message>
        <message>
            <source>The model's weights as stored: quantized blocks, norms, embedding.</source>
            <translation>Os pesos do modelo como estão armazenados: blocos quantizados, normalizações, embedding.</translation>
        </message>
        <message>
            <source>What training changes, in full precision: QZO's block scales, MeZO's float32 weights, QLoRA's adapters, or the fp32 master copy of full fine-tuning.</source>
            <translation>O que o treino altera, em precisão total: as escalas de bloco do QZO, os pesos float32 do MeZO, os adaptadores do QLoRA ou a cópia mestra fp32 do ajuste fino completo.</translation>
        </message>
        <message>
            <source>One gradient value per trained parameter (back-propagation only).</source>
            <translation>Um valor de gradiente por parâmetro treinado (só com retropropagação).</translation>
        </message>
        <message>
            <source>AdamW's two running averages per trained parameter.</source>
            <translation>As duas médias móveis do AdamW por parâmetro treinado.</translation>
        </message>
        <message>
            <source>Intermediate results of the forward pass and the logits the loss is computed from; with a first-order method, also what the backward pass reads.</source>
            <translation>Resultados intermediários da passagem direta e os logits a partir dos quais a perda é calculada; com um método de primeira ordem, também o que a retropropagação lê.</translation>
        </message>
        <message>
            <source>Keys and values of earlier tokens, kept for attention.</source>
            <translation>Chaves e valores dos tokens anteriores, guardados para a atenção.</translation>
        </message>
        <message>
            <source>QZO (planned)</source>
            <translation>QZO (previsto)</translation>
        </message>
        <message>
            <source>MeZO (planned)</source>
            <translation>MeZO (previsto)</translation>
        </message>
        <message>
            <source>Full fine-tuning, bf16 + AdamW (planned)</source>
            <translation>Ajuste fino completo, bf16 + AdamW (previsto)</translation>
        </message>
        <message>
            <source>QLoRA (planned)</source>
            <translation>QLoRA (previsto)</translation>
        </message>
        <message>
            <source>Full fine-tuning, float32 AdamW (planned)</source>
            <translation>Ajuste fino completo, AdamW float32 (previsto)</translation>
        </message>
        <message>
            <source>Projections</source>
            <translation>Projeções</translation>
        </message>
        <message>
            <source>GaLore's low-rank projection matrices, one per trained weight (INT4 in Q-GaLore).</source>
            <translation>As matrizes de projeção de posto baixo do GaLore, uma por peso treinado (INT4 no Q-GaLore).</translation>
        </message>
        <message>
            <source>Q-GaLore (planned)</source>
            <translation>Q-GaLore (previsto)</translation>
        </message>
        <message>
            <source>Plain GaLore, float32 (planned)</source>
            <translation>GaLore simples, float32 (previsto)</translation>
        </message>
        <message>
            <source>Sparse values</source>
            <translation>Valores esparsos</translation>
        </message>
        <message>
            <source>Sparse mask</source>
            <translation>Máscara esparsa</translation>
        </message>
        <message>
            <source>Sparse ZO's trained values S, one float per sensitive weight, added to the 4-bit weights.</source>
            <translation>Os valores S treinados pelo Sparse ZO, um float por peso sensível, somados aos pesos de 4 bits.</translation>
        </message>
        <message>
            <source>Sparse ZO (planned)</source>
            <translation>Sparse ZO (previsto)</translation>
        </message>
        <message>
            <source>Where sparse ZO's sensitive weights sit: their column indices and row starts.</source>
            <translation>Onde ficam os pesos sensíveis do Sparse ZO: seus índices de coluna e os inícios de linha.</translation>
        </message>
        <message>
            <source>Rollback copies</source>
            <translation>Cópias para reversão</translation>
        </message>
        <message>
            <source>Two copies of the training state in main memory: the last one that passed the divergence guard, which a rollback returns to, and the one being checked.</source>
            <translation>Duas cópias do estado de treinamento na memória principal: a última aprovada pela proteção contra divergência, à qual uma reversão retorna, e a que está sendo verificada.</translation>
        </message>
    </context>
    <context>
        <name>TrainingMethod</name>
        <message>
            <source>QZO: zeroth-order on the 4-bit scales</source>
            <translation>QZO: ordem zero nas escalas de 4 bits</translation>
        </message>
        <message>
            <source>Trains only the continuous scales of the quantized blocks from two forward passes per step with a seeded random perturbation, the projected gradient clipped (Shang et al. 2025). No gradients, no optimizer states: inference memory.</source>
            <translation>Treina apenas as escalas contínuas dos blocos quantizados, a partir de duas passagens diretas por passo com uma perturbação aleatória gerada por semente, com o gradiente projetado cortado (Shang et al. 2025). Sem gradientes, sem estados do otimizador: a memória da inferência.</translation>
        </message>
        <message>
            <source>MeZO: zeroth-order on float32 weights</source>
            <translation>MeZO: ordem zero em pesos float32</translation>
        </message>
        <message>
            <source>SPSA on every linear weight expanded to float32 (Malladi et al. 2023): the zeroth-order baseline.</source>
            <translation>SPSA em cada peso linear expandido para float32 (Malladi et al. 2023): a referência de ordem zero.</translation>
        </message>
        <message>
            <source>QLoRA: low-rank adapters on the frozen 4-bit model</source>
            <translation>QLoRA: adaptadores de posto baixo sobre o modelo de 4 bits congelado</translation>
        </message>
        <message>
            <source>Trains small float32 adapters B A beside chosen linears of the frozen quantized model with AdamW, from the backward pass (Hu et al. 2021; Dettmers et al. 2023). Memory: the quantized weights, the adapters and their optimizer states, and the activations the backward needs.</source>
            <translation>Treina com AdamW pequenos adaptadores float32 B A ao lado de camadas lineares escolhidas do modelo quantizado congelado, a partir da retropropagação (Hu et al. 2021; Dettmers et al. 2023). Memória: os pesos quantizados, os adaptadores e seus estados do otimizador, e as ativações de que a retropropagação precisa.</translation>
        </message>
        <message>
            <source>Full fine-tuning with AdamW (float32)</source>
            <translation>Ajuste fino completo com AdamW (float32)</translation>
        </message>
        <message>
            <source>Every linear weight as a float32 master copy trained by AdamW: the reference point, 16 bytes a weight; only for small models.</source>
            <translation>Cada peso linear como cópia mestra float32 treinada pelo AdamW: o ponto de referência, 16 bytes por peso; só para modelos pequenos.</translation>
        </message>
        <message>
            <source>Q-GaLore: INT8 weights, low-rank gradients, 8-bit Adam</source>
            <translation>Q-GaLore: pesos INT8, gradientes de posto baixo, Adam de 8 bits</translation>
        </message>
        <message>
            <source>Trains every linear weight, held as INT8 in groups and updated by stochastic rounding, from gradients projected to a low rank by INT4 projections that each layer refreshes lazily, with 8-bit Adam states (Zhang et al. 2024). Each layer's gradient is applied and freed during the backward. galore_quantized off gives plain GaLore (float32 weights and projections, 32-bit Adam).</source>
            <translation>Treina todos os pesos lineares, guardados em INT8 por grupos e atualizados por arredondamento estocástico, a partir de gradientes projetados para um posto baixo por projeções INT4 que cada camada renova de forma preguiçosa, com estados do Adam de 8 bits (Zhang et al. 2024). O gradiente de cada camada é aplicado e liberado durante a retropropagação. Com galore_quantized desligado, é o GaLore simples (pesos e projeções float32, Adam de 32 bits).</translation>
        </message>
        <message>
            <source>Projection rank</source>
            <translation>Posto da projeção</translation>
        </message>
        <message>
            <source>The rank r each weight's gradient is projected to before Adam sees it, so that Adam keeps r values per row or column instead of the whole matrix (capped at the weight's smaller side). A larger rank learns more like full fine-tuning and needs more memory; the paper uses 128 to 512.</source>
            <translation>O posto r para o qual o gradiente de cada peso é projetado antes de o Adam vê-lo, de modo que o Adam guarda r valores por linha ou coluna em vez da matriz inteira (no máximo o menor lado do peso). Um posto maior aprende mais como o ajuste fino completo e precisa de mais memória; o artigo usa de 128 a 512.</translation>
        </message>
        <message>
            <source>Steps between SVDs</source>
            <translation>Passos entre SVDs</translation>
        </message>
        <message>
            <source>How many steps a layer keeps its projection before an SVD of its gradient computes a new one, at first. Once a layer's subspace has settled (see the similarity threshold) its gap doubles: the lazy rule that saves SVDs. GaLore refreshes every 200 steps.</source>
            <translation>Por quantos passos uma camada mantém sua projeção antes que uma SVD do seu gradiente calcule uma nova, no início. Quando o subespaço de uma camada se estabiliza (veja o limiar de similaridade), esse intervalo dobra: a regra preguiçosa que economiza SVDs. O GaLore renova a cada 200 passos.</translation>
        </message>
        <message>
            <source>Similarity threshold</source>
            <translation>Limiar de similaridade</translation>
        </message>
        <message>
            <source>When the mean |cosine| between a layer's successive subspaces reaches this, the subspace counts as settled and the layer's gap between SVDs doubles. Lower skips more SVDs; 1 hardly ever skips one.</source>
            <translation>Quando a média dos |cossenos| entre subespaços sucessivos de uma camada atinge este valor, o subespaço é considerado estável e o intervalo entre SVDs da camada dobra. Mais baixo pula mais SVDs; 1 quase nunca pula uma.</translation>
        </message>
        <message>
            <source>Similarity window</source>
            <translation>Janela de similaridade</translation>
        </message>
        <message>
            <source>How many of a layer's latest subspace changes the mean for the similarity threshold covers.</source>
            <translation>Quantas das últimas mudanças de subespaço de uma camada a média comparada ao limiar de similaridade abrange.</translation>
        </message>
        <message>
            <source>Update scale (alpha)</source>
            <translation>Escala da atualização (alfa)</translation>
        </message>
        <message>
            <source>The update, projected back to the weight's full size, is multiplied by this before it is added (GaLore's alpha; 0.25 in the papers).</source>
            <translation>A atualização, projetada de volta ao tamanho completo do peso, é multiplicada por este valor antes de ser somada (o alfa do GaLore; 0,25 nos artigos).</translation>
        </message>
        <message>
            <source>Weight group size</source>
            <translation>Tamanho dos grupos de pesos</translation>
        </message>
        <message>
            <source>How many weights share one INT8 scale and zero point. Smaller groups round more precisely and store a little more.</source>
            <translation>Quantos pesos compartilham uma escala e um ponto zero INT8. Grupos menores arredondam com mais precisão e ocupam um pouco mais.</translation>
        </message>
        <message>
            <source>Projection group size</source>
            <translation>Tamanho dos grupos de projeção</translation>
        </message>
        <message>
            <source>How many values of a projection matrix share one INT4 scale and zero point; even, since two 4-bit codes share a byte.</source>
            <translation>Quantos valores de uma matriz de projeção compartilham uma escala e um ponto zero INT4; par, pois dois códigos de 4 bits dividem um byte.</translation>
        </message>
        <message>
            <source>Stochastic rounding</source>
            <translation>Arredondamento estocástico</translation>
        </message>
        <message>
            <source>Round each updated INT8 weight up or down at random, in proportion to how near it is, so that updates smaller than one INT8 step still add up over many steps. Off: round to nearest, and such updates are lost.</source>
            <translation>Arredonda cada peso INT8 atualizado para cima ou para baixo ao acaso, na proporção da proximidade, para que atualizações menores que um passo INT8 ainda se acumulem ao longo de muitos passos. Desligado: arredonda para o mais próximo, e essas atualizações se perdem.</translation>
        </message>
        <message>
            <source>Quantized (off: plain GaLore)</source>
            <translation>Quantizado (desligado: GaLore simples)</translation>
        </message>
        <message>
            <source>On: Q-GaLore, with INT8 weights, INT4 projections and 8-bit Adam states. Off: plain GaLore, with float32 weights and projections and 32-bit Adam states: more memory, the reference to compare with.</source>
            <translation>Ligado: Q-GaLore, com pesos INT8, projeções INT4 e estados do Adam de 8 bits. Desligado: GaLore simples, com pesos e projeções float32 e estados do Adam de 32 bits: mais memória, a referência para comparar.</translation>
        </message>
        <message>
            <source>INT8 weights</source>
            <translation>Pesos INT8</translation>
        </message>
        <message>
            <source>INT4 projections</source>
            <translation>Projeções INT4</translation>
        </message>
        <message>
            <source>8-bit Adam states</source>
            <translation>Estados do Adam de 8 bits</translation>
        </message>
        <message>
            <source>float32 weights</source>
            <translation>Pesos float32</translation>
        </message>
        <message>
            <source>float32 projections</source>
            <translation>Projeções float32</translation>
        </message>
        <message>
            <source>Adam states</source>
            <translation>Estados do Adam</translation>
        </message>
        <message>
            <source>SVDs done</source>
            <translation>SVDs feitas</translation>
        </message>
        <message>
            <source>SVDs the lazy rule saved</source>
            <translation>SVDs poupadas pela regra preguiçosa</translation>
        </message>
        <message>
            <source>Subspace similarity</source>
            <translation>Similaridade dos subespaços</translation>
        </message>
        <message>
            <source>Sparse ZO: zeroth-order on 0.1% sensitive weights</source>
            <translation>Sparse ZO: ordem zero em 0,1% de pesos sensíveis</translation>
        </message>
        <message>
            <source>Trains a float32 value S at a small set of sensitive weights, chosen once from squared gradients on generic text (a mask file: quanttune-cli sensitivity), added to the frozen 4-bit model: W = dequant(Q) + S. Two forward passes per step as in QZO, with the same perturbation, clipping and schedules (Guo et al. 2025). Optionally the 4-bit block scales train too.</source>
            <translation>Treina um valor float32 S em um pequeno conjunto de pesos sensíveis, escolhidos uma única vez pelos gradientes ao quadrado em texto genérico (um arquivo de máscara: quanttune-cli sensitivity), somado ao modelo de 4 bits congelado: W = dequant(Q) + S. Duas passagens diretas por passo como no QZO, com a mesma perturbação, o mesmo corte e os mesmos cronogramas (Guo et al. 2025). Opcionalmente, as escalas dos blocos de 4 bits também são treinadas.</translation>
        </message>
        <message>
            <source>Also train the 4-bit scales</source>
            <translation>Treinar também as escalas de 4 bits</translation>
        </message>
        <message>
            <source>Train QZO's block scales beside the sparse values, with the same perturbation: more of the model adapts, at no extra memory but the scales' float32 copies.</source>
            <translation>Treina as escalas de bloco do QZO junto com os valores esparsos, com a mesma perturbação: uma parte maior do modelo se adapta, sem memória extra além das cópias float32 das escalas.</translation>
        </message>
        <message>
            <source>QZO scale masters</source>
            <translation>cópias mestras das escalas QZO</translation>
        </message>
        <message>
            <source>sparse values S (float32)</source>
            <translation>valores esparsos S (float32)</translation>
        </message>
        <message>
            <source>sensitive-entry mask</source>
            <translation>máscara das entradas sensíveis</translation>
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
            <translation>%1 s</translation>
        </message>
        <message>
            <source>%1 min %2 s</source>
            <translation>%1 min %2 s</translation>
        </message>
        <message>
            <source>%1 h %2 min</source>
            <translation>%1 h %2 min</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::ComparePanel</name>
        <message>
            <source>Export the comparison</source>
            <translation>Exportar a comparação</translation>
        </message>
        <message>
            <source>Markdown (*.md)</source>
            <translation>Markdown (*.md)</translation>
        </message>
        <message>
            <source>Export failed</source>
            <translation>Falha ao exportar</translation>
        </message>
        <message>
            <source>Could not write %1.</source>
            <translation>Não foi possível gravar %1.</translation>
        </message>
        <message>
            <source>Compare</source>
            <translation>Comparar</translation>
        </message>
        <message>
            <source>Write a prompt first.</source>
            <translation>Escreva um prompt primeiro.</translation>
        </message>
        <message>
            <source>answering…</source>
            <translation>respondendo…</translation>
        </message>
        <message>
            <source>waiting for the base model…</source>
            <translation>aguardando o modelo base…</translation>
        </message>
        <message>
            <source>Ask both models something, e.g. a question from your dataset.</source>
            <translation>Pergunte algo aos dois modelos, por exemplo uma pergunta do seu conjunto de dados.</translation>
        </message>
        <message>
            <source>The base model answers first, then the fine-tuned one, with the same settings.</source>
            <translation>O modelo base responde primeiro, depois o ajustado, com as mesmas configurações.</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Exportar…</translation>
        </message>
        <message>
            <source>Sampling (the same for both)</source>
            <translation>Amostragem (a mesma para ambos)</translation>
        </message>
        <message>
            <source>Max tokens:</source>
            <translation>Máx. de tokens:</translation>
        </message>
        <message>
            <source>Temperature:</source>
            <translation>Temperatura:</translation>
        </message>
        <message>
            <source>0 always picks the likeliest word; higher values answer more freely.</source>
            <translation>0 sempre escolhe a palavra mais provável; valores maiores respondem com mais liberdade.</translation>
        </message>
        <message>
            <source>Top-k:</source>
            <translation>Top-k:</translation>
        </message>
        <message>
            <source>Pick only among the k likeliest words (0: no limit).</source>
            <translation>Escolher apenas entre as k palavras mais prováveis (0: sem limite).</translation>
        </message>
        <message>
            <source>Top-p:</source>
            <translation>Top-p:</translation>
        </message>
        <message>
            <source>Pick only among the likeliest words that together make up this probability.</source>
            <translation>Escolher apenas entre as palavras mais prováveis que juntas somam esta probabilidade.</translation>
        </message>
        <message>
            <source>Seed:</source>
            <translation>Semente:</translation>
        </message>
        <message>
            <source>Chat template</source>
            <translation>Modelo de chat</translation>
        </message>
        <message>
            <source>Wrap the prompt as a user turn of the model's chat template.</source>
            <translation>Envolver o prompt como uma fala do usuário no modelo de chat.</translation>
        </message>
        <message>
            <source>Base model (from the file)</source>
            <translation>Modelo base (do arquivo)</translation>
        </message>
        <message>
            <source>Fine-tuned model (after training)</source>
            <translation>Modelo ajustado (após o treino)</translation>
        </message>
        <message>
            <source>Earlier prompts</source>
            <translation>Prompts anteriores</translation>
        </message>
        <message>
            <source>Example prompts: pick one to put it in the box.</source>
            <translation>Prompts de exemplo: escolha um para colocá-lo na caixa.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DatasetPanel</name>
        <message>
            <source>Open a dataset</source>
            <translation>Abrir um conjunto de dados</translation>
        </message>
        <message>
            <source>Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)</source>
            <translation>Conjuntos de dados (*.jsonl *.json *.csv *.tsv *.txt);;Todos os arquivos (*)</translation>
        </message>
        <message>
            <source>… and %1 more</source>
            <translation>… e mais %1</translation>
        </message>
        <message>
            <source>Data file</source>
            <translation>Arquivo de dados</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>Procurar…</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Abrir</translation>
        </message>
        <message>
            <source>JSON lines, JSON array, CSV/TSV or plain text</source>
            <translation>Linhas JSON, array JSON, CSV/TSV ou texto simples</translation>
        </message>
        <message>
            <source>What the engine found</source>
            <translation>O que o motor encontrou</translation>
        </message>
        <message>
            <source>Token lengths</source>
            <translation>Comprimentos em tokens</translation>
        </message>
        <message>
            <source>tokens per example</source>
            <translation>tokens por exemplo</translation>
        </message>
        <message>
            <source>examples</source>
            <translation>exemplos</translation>
        </message>
        <message>
            <source>First examples as the model sees them (completion highlighted: the loss is computed on it)</source>
            <translation>Primeiros exemplos como o modelo os vê (completação destacada: a perda é calculada sobre ela)</translation>
        </message>
        <message>
            <source>Skipped rows and why</source>
            <translation>Linhas ignoradas e o motivo</translation>
        </message>
        <message>
            <source>No dataset loaded.</source>
            <translation>Nenhum conjunto de dados carregado.</translation>
        </message>
        <message>
            <source>Format: %1%2&lt;br&gt;Rows read: %3, kept: %4, skipped: %5, shortened: %6&lt;br&gt;Tokens: %7, of which trained on: %8&lt;br&gt;Length: %9–%10 tokens, mean %11, median %12, 90% below %13</source>
            <translation>Formato: %1%2&lt;br&gt;Linhas lidas: %3, mantidas: %4, ignoradas: %5, encurtadas: %6&lt;br&gt;Tokens: %7, dos quais treinados: %8&lt;br&gt;Comprimento: %9–%10 tokens, média %11, mediana %12, 90% abaixo de %13</translation>
        </message>
        <message>
            <source> (chat template applied)</source>
            <translation> (modelo de chat aplicado)</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DatasetPreviewModel</name>
        <message>
            <source>%1 (cut)</source>
            <translation>%1 (cortado)</translation>
        </message>
        <message>
            <source>&lt;b&gt;Prompt&lt;/b&gt; (the model reads it, no loss):&lt;pre&gt;%1&lt;/pre&gt;&lt;b&gt;Completion&lt;/b&gt; (the model learns to write it):&lt;pre style='background:#d8f0d8'&gt;%2&lt;/pre&gt;</source>
            <translation>&lt;b&gt;Prompt&lt;/b&gt; (o modelo o lê, sem perda):&lt;pre&gt;%1&lt;/pre&gt;&lt;b&gt;Completação&lt;/b&gt; (o modelo aprende a escrevê-la):&lt;pre style='background:#d8f0d8'&gt;%2&lt;/pre&gt;</translation>
        </message>
        <message>
            <source>Line</source>
            <translation>Linha</translation>
        </message>
        <message>
            <source>Prompt (as the model sees it)</source>
            <translation>Prompt (como o modelo o vê)</translation>
        </message>
        <message>
            <source>Completion (trained on)</source>
            <translation>Completação (treinada)</translation>
        </message>
        <message>
            <source>Tokens</source>
            <translation>Tokens</translation>
        </message>
        <message>
            <source>Targets</source>
            <translation>Alvos</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DevicePanel</name>
        <message>
            <source>Where the model runs</source>
            <translation>Onde o modelo roda</translation>
        </message>
        <message>
            <source>Look for GPUs again</source>
            <translation>Procurar GPUs novamente</translation>
        </message>
        <message>
            <source>The chosen device is used the next time a model is opened. Free memory is measured when the list is made: a GPU's by its driver, the CPU's by the operating system.</source>
            <translation>O dispositivo escolhido é usado na próxima vez que um modelo for aberto. A memória livre é medida quando a lista é feita: a de uma GPU pelo driver, a da CPU pelo sistema operacional.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::EngineWorker</name>
        <message>
            <source>Opening the model</source>
            <translation>Abrindo o modelo</translation>
        </message>
        <message>
            <source>Stop the training run before opening another model.</source>
            <translation>Pare o treino antes de abrir outro modelo.</translation>
        </message>
        <message>
            <source>Opening %1 ...</source>
            <translation>Abrindo %1 ...</translation>
        </message>
        <message>
            <source>Loaded %1: %2 parameters on %3</source>
            <translation>%1 carregado: %2 parâmetros em %3</translation>
        </message>
        <message>
            <source>none (%1)</source>
            <translation>nenhum (%1)</translation>
        </message>
        <message>
            <source>Opening the dataset</source>
            <translation>Abrindo o conjunto de dados</translation>
        </message>
        <message>
            <source>Open a model first: the dataset is read with its tokenizer.</source>
            <translation>Abra um modelo primeiro: o conjunto de dados é lido com o tokenizador dele.</translation>
        </message>
        <message>
            <source>Stop the training run before opening another dataset.</source>
            <translation>Pare o treino antes de abrir outro conjunto de dados.</translation>
        </message>
        <message>
            <source>Dataset %1: %2 examples kept, %3 rows skipped</source>
            <translation>Conjunto de dados %1: %2 exemplos mantidos, %3 linhas ignoradas</translation>
        </message>
        <message>
            <source>Starting training</source>
            <translation>Iniciando o treino</translation>
        </message>
        <message>
            <source>Open a model and a dataset first.</source>
            <translation>Abra um modelo e um conjunto de dados primeiro.</translation>
        </message>
        <message>
            <source>Training %1 for %2 steps: %3 trainable values (%4 training, %5 held-out examples; %6 rows skipped)</source>
            <translation>Treinando %1 por %2 passos: %3 valores treináveis (%4 exemplos de treino, %5 separados; %6 linhas ignoradas)</translation>
        </message>
        <message>
            <source>Warning: %1</source>
            <translation>Aviso: %1</translation>
        </message>
        <message>
            <source>Warning: eps is above 10% of the scales of %1 weights; steps that large wreck them. Lower eps, or make the perturbation relative to each weight&apos;s scale (Method page).</source>
            <translation>Aviso: eps passa de 10% das escalas de %1 pesos; passos tão grandes os destroem. Reduza eps, ou torne a perturbação relativa à escala de cada peso (página Método).</translation>
        </message>
        <message>
            <source>Warning: the relative eps moves every weight&apos;s scales by more than 10%; lower it.</source>
            <translation>Aviso: o eps relativo move as escalas de cada peso em mais de 10%; reduza-o.</translation>
        </message>
        <message>
            <source>Note: %1</source>
            <translation>Nota: %1</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>interrompido</translation>
        </message>
        <message>
            <source>step %1: validation loss %2%3</source>
            <translation>passo %1: perda de validação %2%3</translation>
        </message>
        <message>
            <source>, accuracy %1%</source>
            <translation>, acurácia %1%</translation>
        </message>
        <message>
            <source>stopped early: the validation loss stopped improving</source>
            <translation>interrompido antes: a perda de validação parou de melhorar</translation>
        </message>
        <message>
            <source>finished</source>
            <translation>concluído</translation>
        </message>
        <message>
            <source>Training step %1</source>
            <translation>Passo de treino %1</translation>
        </message>
        <message>
            <source>stopped by an error</source>
            <translation>interrompido por um erro</translation>
        </message>
        <message>
            <source>paused after step %1</source>
            <translation>pausado após o passo %1</translation>
        </message>
        <message>
            <source>resumed</source>
            <translation>retomado</translation>
        </message>
        <message>
            <source>training %1 after %2 steps</source>
            <translation>treino %1 após %2 passos</translation>
        </message>
        <message>
            <source>Comparing answers</source>
            <translation>Comparando respostas</translation>
        </message>
        <message>
            <source>Open a model first.</source>
            <translation>Abra um modelo primeiro.</translation>
        </message>
        <message>
            <source>%1 tokens, %2 tokens/s</source>
            <translation>%1 tokens, %2 tokens/s</translation>
        </message>
        <message>
            <source>unusable: %1</source>
            <translation>inutilizável: %1</translation>
        </message>
        <message>
            <source>No GPU: %1</source>
            <translation>Nenhuma GPU: %1</translation>
        </message>
        <message>
            <source>Exporting the model</source>
            <translation>Exportando o modelo</translation>
        </message>
        <message>
            <source>Train first, and wait until the run has ended.</source>
            <translation>Treine primeiro e espere o treino terminar.</translation>
        </message>
        <message>
            <source>fine-tuned model written to %1</source>
            <translation>modelo ajustado gravado em %1</translation>
        </message>
        <message>
            <source>%1: %2 tensors, %3</source>
            <translation>%1: %2 tensores, %3</translation>
        </message>
        <message>
            <source>Planning memory</source>
            <translation>Planejando a memória</translation>
        </message>
        <message>
            <source>%1, %2 free of %3</source>
            <translation>%1, %2 livres de %3</translation>
        </message>
        <message>
            <source>also written: %1</source>
            <translation>também gravado: %1</translation>
        </message>
        <message>
            <source>Loading the mask</source>
            <translation>Carregando a máscara</translation>
        </message>
        <message>
            <source>Open a model first: a mask is checked against the model it is used with.</source>
            <translation>Abra um modelo primeiro: a máscara é verificada em relação ao modelo com que é usada.</translation>
        </message>
        <message>
            <source>Mask %1: %2 sensitive entries (%3%)</source>
            <translation>Máscara %1: %2 entradas sensíveis (%3%)</translation>
        </message>
        <message>
            <source>Computing the mask</source>
            <translation>Calculando a máscara</translation>
        </message>
        <message>
            <source>Stop the training run before computing a mask.</source>
            <translation>Pare o treino antes de calcular uma máscara.</translation>
        </message>
        <message>
            <source>no calibration text: choose plain-text files, or run scripts/setup.sh, which puts Jane Austen's novels in %1</source>
            <translation>nenhum texto de calibração: escolha arquivos de texto simples ou execute scripts/setup.sh, que coloca os romances de Jane Austen em %1</translation>
        </message>
        <message>
            <source>Calibration: %1 windows of %2 tokens from %3 file(s)</source>
            <translation>Calibração: %1 janelas de %2 tokens de %3 arquivo(s)</translation>
        </message>
        <message>
            <source>cannot create the folder %1</source>
            <translation>não foi possível criar a pasta %1</translation>
        </message>
        <message>
            <source>Mask written to %1: %2 sensitive entries in %3 s</source>
            <translation>Máscara gravada em %1: %2 entradas sensíveis em %3 s</translation>
        </message>
        <message>
            <source>Cancelled: no mask was written.</source>
            <translation>Cancelado: nenhuma máscara foi gravada.</translation>
        </message>
        <message>
            <source>resumed from %1 after step %2</source>
            <translation>retomado de %1 após o passo %2</translation>
        </message>
        <message>
            <source>Run folder: %1 (checkpoint and metrics.jsonl)</source>
            <translation>Pasta da execução: %1 (checkpoint e metrics.jsonl)</translation>
        </message>
        <message>
            <source>stopped: training diverged</source>
            <translation>interrompido: o treinamento divergiu</translation>
        </message>
        <message>
            <source>step %1: rolled back to the state before step %2 (%3); learning rate now %4 times the setting</source>
            <translation>passo %1: revertido ao estado anterior ao passo %2 (%3); taxa de aprendizado agora %4 vezes o valor configurado</translation>
        </message>
        <message>
            <source>checkpoint written: %1</source>
            <translation>checkpoint gravado: %1</translation>
        </message>
        <message>
            <source>Warning: checkpoint not written: %1; training goes on and tries again at the next one</source>
            <translation>Aviso: checkpoint não gravado: %1; o treinamento continua e tenta de novo no próximo</translation>
        </message>
        <message>
            <source>Warning: checkpoint not written: %1</source>
            <translation>Aviso: checkpoint não gravado: %1</translation>
        </message>
        <message>
            <source>%1: this folder has no config.json, so it is no Hugging Face model folder</source>
            <translation>%1: esta pasta não tem config.json, então não é uma pasta de modelo do Hugging Face</translation>
        </message>
        <message>
            <source>Converting the Hugging Face folder %1 to GGUF (%2), once, into the cache ...</source>
            <translation>Convertendo a pasta do Hugging Face %1 para GGUF (%2), uma única vez, no cache ...</translation>
        </message>
        <message>
            <source>Converted: %1</source>
            <translation>Convertido: %1</translation>
        </message>
        <message>
            <source>q/k/v biases</source>
            <translation>vieses q/k/v</translation>
        </message>
        <message>
            <source>q/k norm</source>
            <translation>normalização q/k</translation>
        </message>
        <message>
            <source>post-norms</source>
            <translation>pós-normalizações</translation>
        </message>
        <message>
            <source>neox rope</source>
            <translation>RoPE neox</translation>
        </message>
        <message>
            <source>rope frequency factors</source>
            <translation>fatores de frequência do RoPE</translation>
        </message>
        <message>
            <source>GeGLU</source>
            <translation>GeGLU</translation>
        </message>
        <message>
            <source>fused q/k/v</source>
            <translation>q/k/v fundidos</translation>
        </message>
        <message>
            <source>fused gate/up</source>
            <translation>gate/up fundidos</translation>
        </message>
        <message>
            <source>attention softcap %1</source>
            <translation>softcap da atenção %1</translation>
        </message>
        <message>
            <source>final softcap %1</source>
            <translation>softcap final %1</translation>
        </message>
        <message>
            <source>sliding window %1 (%2 of every %3 layers)</source>
            <translation>janela deslizante %1 (%2 a cada %3 camadas)</translation>
        </message>
        <message>
            <source>sliding window %1</source>
            <translation>janela deslizante %1</translation>
        </message>
        <message>
            <source>tied output head</source>
            <translation>cabeça de saída compartilhada com o embedding</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MainWindow</name>
        <message>
            <source>Give me three tips for learning a new language.</source>
            <translation>Dê-me três dicas para aprender um novo idioma.</translation>
        </message>
        <message>
            <source>Training %1.</source>
            <translation>Treino %1.</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>Trabalhando…</translation>
        </message>
        <message>
            <source>Ready.</source>
            <translation>Pronto.</translation>
        </message>
        <message>
            <source>Open a model</source>
            <translation>Abrir um modelo</translation>
        </message>
        <message>
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>Modelos GGUF (*.gguf);;Todos os arquivos (*)</translation>
        </message>
        <message>
            <source>Open a dataset</source>
            <translation>Abrir um conjunto de dados</translation>
        </message>
        <message>
            <source>Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)</source>
            <translation>Conjuntos de dados (*.jsonl *.json *.csv *.tsv *.txt);;Todos os arquivos (*)</translation>
        </message>
        <message>
            <source>Load a session</source>
            <translation>Carregar uma sessão</translation>
        </message>
        <message>
            <source>Sessions (*.json)</source>
            <translation>Sessões (*.json)</translation>
        </message>
        <message>
            <source>Save the session</source>
            <translation>Salvar a sessão</translation>
        </message>
        <message>
            <source>About QuantTune</source>
            <translation>Sobre o QuantTune</translation>
        </message>
        <message>
            <source>&lt;b&gt;QuantTune %1&lt;/b&gt;&lt;br&gt;Fine-tunes quantized language models on the computer you have: zeroth-order (QZO, MeZO) or through the backward pass (QLoRA, full fine-tuning with AdamW).</source>
            <translation>&lt;b&gt;QuantTune %1&lt;/b&gt;&lt;br&gt;Faz o ajuste fino de modelos de linguagem quantizados no computador que você tem: de ordem zero (QZO, MeZO) ou pela retropropagação (QLoRA, ajuste fino completo com AdamW).</translation>
        </message>
        <message>
            <source>Open a model first (Model page).</source>
            <translation>Abra um modelo primeiro (página Modelo).</translation>
        </message>
        <message>
            <source>Open a dataset first (Dataset page).</source>
            <translation>Abra um conjunto de dados primeiro (página Dados).</translation>
        </message>
        <message>
            <source>Fix the settings on the Method page: %1</source>
            <translation>Corrija as configurações na página Método: %1</translation>
        </message>
        <message>
            <source>Starting training</source>
            <translation>Iniciando o treino</translation>
        </message>
        <message>
            <source>Saving the session</source>
            <translation>Salvando a sessão</translation>
        </message>
        <message>
            <source>Session saved to %1.</source>
            <translation>Sessão salva em %1.</translation>
        </message>
        <message>
            <source>Session loaded from %1.</source>
            <translation>Sessão carregada de %1.</translation>
        </message>
        <message>
            <source>Loading the session</source>
            <translation>Carregando a sessão</translation>
        </message>
        <message>
            <source>Error — %1: %2</source>
            <translation>Erro — %1: %2</translation>
        </message>
        <message>
            <source>Nothing was lost: your settings and the loaded model stay as they were.</source>
            <translation>Nada foi perdido: suas configurações e o modelo carregado continuam como estavam.</translation>
        </message>
        <message>
            <source>Training is running</source>
            <translation>O treino está em andamento</translation>
        </message>
        <message>
            <source>A training run is in progress. Stop it after the current step and quit?</source>
            <translation>Há um treino em andamento. Pará-lo após o passo atual e sair?</translation>
        </message>
        <message>
            <source>QuantTune — fine-tune quantized language models</source>
            <translation>QuantTune — ajuste fino de modelos de linguagem quantizados</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>Modelo</translation>
        </message>
        <message>
            <source>Dataset</source>
            <translation>Dados</translation>
        </message>
        <message>
            <source>Method</source>
            <translation>Método</translation>
        </message>
        <message>
            <source>Device</source>
            <translation>Dispositivo</translation>
        </message>
        <message>
            <source>Training</source>
            <translation>Treino</translation>
        </message>
        <message>
            <source>Memory</source>
            <translation>Memória</translation>
        </message>
        <message>
            <source>Compare</source>
            <translation>Comparar</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Arquivo</translation>
        </message>
        <message>
            <source>Open &amp;model…</source>
            <translation>Abrir &amp;modelo…</translation>
        </message>
        <message>
            <source>Open &amp;dataset…</source>
            <translation>Abrir &amp;dados…</translation>
        </message>
        <message>
            <source>&amp;Load session…</source>
            <translation>&amp;Carregar sessão…</translation>
        </message>
        <message>
            <source>&amp;Save session…</source>
            <translation>&amp;Salvar sessão…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>Sa&amp;ir</translation>
        </message>
        <message>
            <source>&amp;Settings</source>
            <translation>&amp;Configurações</translation>
        </message>
        <message>
            <source>&amp;Preferences…</source>
            <translation>&amp;Preferências…</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>Aj&amp;uda</translation>
        </message>
        <message>
            <source>&amp;About QuantTune</source>
            <translation>&amp;Sobre o QuantTune</translation>
        </message>
        <message>
            <source>Export the fine-tuned model</source>
            <translation>Exportar o modelo ajustado</translation>
        </message>
        <message>
            <source>&amp;Export fine-tuned model…</source>
            <translation>E&amp;xportar modelo ajustado…</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <source>Wait until the mask is computed (Method page).</source>
            <translation>Aguarde até a máscara ser calculada (página Método).</translation>
        </message>
        <message>
            <source>Resume the unfinished run?</source>
            <translation>Retomar a execução inacabada?</translation>
        </message>
        <message>
            <source>A %1 run of this model stopped after step %2 of %3. Go on from there, or start over (its checkpoint is replaced)?</source>
            <translation>Uma execução %1 deste modelo parou após o passo %2 de %3. Continuar dali ou recomeçar (o checkpoint é substituído)?</translation>
        </message>
        <message>
            <source>Resume from step %1</source>
            <translation>Retomar do passo %1</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Recomeçar</translation>
        </message>
        <message>
            <source>A run stopped before its end:

model: %1
method: %2
step %3 of %4

Open its model and dataset and go on from there?</source>
            <translation>Uma execução parou antes do fim:

modelo: %1
método: %2
passo %3 de %4

Abrir seu modelo e conjunto de dados e continuar dali?</translation>
        </message>
        <message>
            <source>Resuming the run</source>
            <translation>Retomando a execução</translation>
        </message>
        <message>
            <source>The run&apos;s model %1 or dataset %2 is no longer there.</source>
            <translation>O modelo %1 ou o conjunto de dados %2 da execução não existe mais.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MemoryView</name>
        <message>
            <source>This run, now
(memory ledger)</source>
            <translation>Este treino, agora
(registro de memória)</translation>
        </message>
        <message>
            <source>device capacity: unknown</source>
            <translation>capacidade do dispositivo: desconhecida</translation>
        </message>
        <message>
            <source>- - device capacity %1</source>
            <translation>- - capacidade do dispositivo %1</translation>
        </message>
        <message>
            <source>device capacity %1 (above the chart)</source>
            <translation>capacidade do dispositivo %1 (acima do gráfico)</translation>
        </message>
        <message>
            <source>Now on %1: %2 in use, peak %3 since the run started. Planned bars come from the engine's plan for this model (hover the Model page's table for the basis of each).</source>
            <translation>Agora em %1: %2 em uso, pico de %3 desde o início. As barras previstas vêm do plano do motor para este modelo (passe o mouse na tabela da página Modelo para ver a base de cada uma).</translation>
        </message>
        <message>
            <source>no device yet</source>
            <translation>nenhum dispositivo ainda</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;: %2 (%3 bytes)&lt;br&gt;%4</source>
            <translation>&lt;b&gt;%1&lt;/b&gt;: %2 (%3 bytes)&lt;br&gt;%4</translation>
        </message>
        <message>
            <source>memory (MB)</source>
            <translation>memória (MB)</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MethodMetricPlots</name>
        <message>
            <source>Per-layer counts so far</source>
            <translation>Contagens por camada até agora</translation>
        </message>
        <message>
            <source>layer</source>
            <translation>camada</translation>
        </message>
        <message>
            <source>count</source>
            <translation>quantidade</translation>
        </message>
        <message>
            <source>%1 by layer and step</source>
            <translation>%1 por camada e passo</translation>
        </message>
        <message>
            <source>step</source>
            <translation>passo</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MethodPanel</name>
        <message>
            <source>Learning rate: "%1" is not a number</source>
            <translation>Taxa de aprendizado: "%1" não é um número</translation>
        </message>
        <message>
            <source>Perturbation size: "%1" is not a number</source>
            <translation>Tamanho da perturbação: "%1" não é um número</translation>
        </message>
        <message>
            <source>Clipping threshold: "%1" is not a number</source>
            <translation>Limite de corte: "%1" não é um número</translation>
        </message>
        <message>
            <source>Warm-up steps (%1) must be fewer than the steps (%2)</source>
            <translation>Os passos de aquecimento (%1) devem ser menos que os passos (%2)</translation>
        </message>
        <message>
            <source>✔ These settings are valid.</source>
            <translation>✔ Estas configurações são válidas.</translation>
        </message>
        <message>
            <source>✘ %1</source>
            <translation>✘ %1</translation>
        </message>
        <message>
            <source>Training method</source>
            <translation>Método de treino</translation>
        </message>
        <message>
            <source>Safe defaults</source>
            <translation>Padrões seguros</translation>
        </message>
        <message>
            <source>Settings that train gently and stop soon: good for a first try.</source>
            <translation>Configurações que treinam com suavidade e terminam logo: boas para uma primeira tentativa.</translation>
        </message>
        <message>
            <source>Paper settings</source>
            <translation>Configurações do artigo</translation>
        </message>
        <message>
            <source>The settings of the MeZO and QZO papers: perturbation 1e-3, learning rate 1e-6, 16 examples per step, 20,000 steps. Takes long on a CPU.</source>
            <translation>As configurações dos artigos do MeZO e do QZO: perturbação 1e-3, taxa de aprendizado 1e-6, 16 exemplos por passo, 20.000 passos. Demora numa CPU.</translation>
        </message>
        <message>
            <source>How the model is changed. Zeroth-order methods only run the model forward, so they need about as much memory as answering a question. First-order methods also run the backward pass and keep gradients and optimizer states: more memory, more progress per step.</source>
            <translation>Como o modelo é alterado. Os métodos de ordem zero só executam o modelo para a frente, então precisam de mais ou menos a mesma memória que responder a uma pergunta. Os métodos de primeira ordem também executam a retropropagação e guardam gradientes e estados do otimizador: mais memória, mais progresso por passo.</translation>
        </message>
        <message>
            <source>Hyperparameters</source>
            <translation>Hiperparâmetros</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>Passos</translation>
        </message>
        <message>
            <source>How many times the model is nudged. More steps learn more and take longer.</source>
            <translation>Quantas vezes o modelo é ajustado. Mais passos aprendem mais e demoram mais.</translation>
        </message>
        <message>
            <source>Examples per step</source>
            <translation>Exemplos por passo</translation>
        </message>
        <message>
            <source>How many examples are averaged for each nudge (batch size). More is steadier but slower.</source>
            <translation>Quantos exemplos entram na média de cada ajuste (tamanho do lote). Mais é mais estável, porém mais lento.</translation>
        </message>
        <message>
            <source>Learning rate</source>
            <translation>Taxa de aprendizado</translation>
        </message>
        <message>
            <source>How big each nudge is. Too big and the loss jumps around or explodes; too small and nothing changes. Choosing another method sets its own default, unless you typed a value.</source>
            <translation>O tamanho de cada ajuste. Grande demais e a perda oscila ou explode; pequeno demais e nada muda. Escolher outro método aplica o padrão dele, a menos que você tenha digitado um valor.</translation>
        </message>
        <message>
            <source>Perturbation size</source>
            <translation>Tamanho da perturbação</translation>
        </message>
        <message>
            <source>How far the method pokes the values to feel which way is downhill (epsilon). 1e-3 is usual.</source>
            <translation>O quanto o método cutuca os valores para sentir qual direção desce (épsilon). 1e-3 é o usual.</translation>
        </message>
        <message>
            <source>Clipping threshold</source>
            <translation>Limite de corte</translation>
        </message>
        <message>
            <source>QZO only: the largest slope a single step may act on; bigger slopes are cut to it, which keeps training stable.</source>
            <translation>Só QZO: a maior inclinação sobre a qual um passo pode agir; inclinações maiores são cortadas para esse valor, o que mantém o treino estável.</translation>
        </message>
        <message>
            <source>Learning-rate schedule</source>
            <translation>Cronograma da taxa de aprendizado</translation>
        </message>
        <message>
            <source>Keep the rate constant, or lower it gradually (linearly or along a cosine curve) towards the end.</source>
            <translation>Manter a taxa constante ou reduzi-la aos poucos (linearmente ou em curva cosseno) até o fim.</translation>
        </message>
        <message>
            <source>Warm-up steps</source>
            <translation>Passos de aquecimento</translation>
        </message>
        <message>
            <source>Steps at the start during which the rate rises from zero to its full value.</source>
            <translation>Passos iniciais durante os quais a taxa sobe de zero até o valor total.</translation>
        </message>
        <message>
            <source>Final rate (fraction)</source>
            <translation>Taxa final (fração)</translation>
        </message>
        <message>
            <source>With a decaying schedule: the rate at the end, as a fraction of the full rate.</source>
            <translation>Com um cronograma decrescente: a taxa no final, como fração da taxa total.</translation>
        </message>
        <message>
            <source>Random seed</source>
            <translation>Semente aleatória</translation>
        </message>
        <message>
            <source>Fixes all random choices, so the same settings give the same run.</source>
            <translation>Fixa todas as escolhas aleatórias, para que as mesmas configurações deem o mesmo treino.</translation>
        </message>
        <message>
            <source>Max tokens per example</source>
            <translation>Máx. de tokens por exemplo</translation>
        </message>
        <message>
            <source>Longer examples are shortened. Shorter examples train faster and use less memory.</source>
            <translation>Exemplos mais longos são encurtados. Exemplos mais curtos treinam mais rápido e usam menos memória.</translation>
        </message>
        <message>
            <source>Held-out fraction</source>
            <translation>Fração separada</translation>
        </message>
        <message>
            <source>The share of examples kept aside to check the model on text it was not trained on.</source>
            <translation>A parte dos exemplos guardada para verificar o modelo em textos com os quais ele não foi treinado.</translation>
        </message>
        <message>
            <source>Check every N steps</source>
            <translation>Verificar a cada N passos</translation>
        </message>
        <message>
            <source>How often the held-out loss is measured (0: only at the end).</source>
            <translation>Com que frequência a perda nos exemplos separados é medida (0: só no final).</translation>
        </message>
        <message>
            <source>Examples per check</source>
            <translation>Exemplos por verificação</translation>
        </message>
        <message>
            <source>How many held-out examples each check uses (0: all).</source>
            <translation>Quantos exemplos separados cada verificação usa (0: todos).</translation>
        </message>
        <message>
            <source>Patience</source>
            <translation>Paciência</translation>
        </message>
        <message>
            <source>Stop early after this many checks without improvement (0: never stop early).</source>
            <translation>Parar antes após esse número de verificações sem melhora (0: nunca parar antes).</translation>
        </message>
        <message>
            <source>Also train block minimums</source>
            <translation>Treinar também os mínimos de bloco</translation>
        </message>
        <message>
            <source>Relative perturbation</source>
            <translation>Perturbação relativa</translation>
        </message>
        <message>
            <source>QZO only: perturbation, learning rate and clipping in units of each weight&apos;s typical scale, so that K-quant models (Q4_K_M, Q6_K ...), whose scales are 50 to 300 times smaller than Q4_1&apos;s, are not wrecked by a perturbation meant for Q4_1. Ticking it sets perturbation %1, learning rate %2 and clipping %3, which match the absolute defaults on Q4_1.</source>
            <translation>Só QZO: perturbação, taxa de aprendizado e limiar de corte em unidades da escala típica de cada peso, para que modelos K-quant (Q4_K_M, Q6_K ...), cujas escalas são 50 a 300 vezes menores que as de Q4_1, não sejam destruídos por uma perturbação pensada para Q4_1. Marcá-la define a perturbação como %1, a taxa de aprendizado como %2 e o corte como %3, que correspondem aos padrões absolutos em Q4_1.</translation>
        </message>
        <message>
            <source>in units of each weight&apos;s scale</source>
            <translation>em unidades da escala de cada peso</translation>
        </message>
        <message>
            <source>Choose the unit for me</source>
            <translation>Escolher a unidade por mim</translation>
        </message>
        <message>
            <source>QZO only: at the start of a run, look at the model&apos;s scales. Where the perturbation size would move some weight&apos;s scales by more than a tenth of themselves (K-quant files such as Q4_K_M: their super-block scales are 10 to 300 times smaller than Q4_1&apos;s), train in units of each weight&apos;s scale with their defaults (perturbation %1, learning rate %2, clipping %3) and say so in the log. Only while the three are at their usual values: numbers you typed are kept as they are.</source>
            <translation>Só QZO: no início de um treino, examina as escalas do modelo. Onde o tamanho da perturbação moveria as escalas de um peso em mais de um décimo delas mesmas (arquivos K-quant como Q4_K_M: suas escalas de superbloco são de 10 a 300 vezes menores que as de Q4_1), treina em unidades da escala de cada peso com seus padrões (perturbação %1, taxa de aprendizado %2, corte %3) e diz isso no registro. Só enquanto os três estão nos valores usuais: números que você digitou são mantidos como estão.</translation>
        </message>
        <message>
            <source>relative where the model&apos;s scales need it</source>
            <translation>relativa onde as escalas do modelo exigem</translation>
        </message>
        <message>
            <source>QZO only: also train the offset m of Q4_1/Q5_1 blocks. Off in the paper.</source>
            <translation>Só QZO: treinar também o deslocamento m dos blocos Q4_1/Q5_1. Desligado no artigo.</translation>
        </message>
        <message>
            <source>constant</source>
            <translation>constante</translation>
        </message>
        <message>
            <source>linear decay</source>
            <translation>decaimento linear</translation>
        </message>
        <message>
            <source>cosine decay</source>
            <translation>decaimento cosseno</translation>
        </message>
        <message>
            <source>Q4_1/Q5_1 minimum m</source>
            <translation>mínimo m de Q4_1/Q5_1</translation>
        </message>
        <message>
            <source>Learning rate %1 is far too large for zeroth-order training (it must be below 1)</source>
            <translation>A taxa de aprendizado %1 é grande demais para treino de ordem zero (deve ser menor que 1)</translation>
        </message>
        <message>
            <source>Attention: query projection (attn_q)</source>
            <translation>Atenção: projeção de consulta (attn_q)</translation>
        </message>
        <message>
            <source>Attention: key projection (attn_k)</source>
            <translation>Atenção: projeção de chave (attn_k)</translation>
        </message>
        <message>
            <source>Attention: value projection (attn_v)</source>
            <translation>Atenção: projeção de valor (attn_v)</translation>
        </message>
        <message>
            <source>Attention: output projection (attn_output)</source>
            <translation>Atenção: projeção de saída (attn_output)</translation>
        </message>
        <message>
            <source>Feed-forward: gate projection (ffn_gate)</source>
            <translation>Feed-forward: projeção de porta (ffn_gate)</translation>
        </message>
        <message>
            <source>Feed-forward: up projection (ffn_up)</source>
            <translation>Feed-forward: projeção de subida (ffn_up)</translation>
        </message>
        <message>
            <source>Feed-forward: down projection (ffn_down)</source>
            <translation>Feed-forward: projeção de descida (ffn_down)</translation>
        </message>
        <message>
            <source>also: %1</source>
            <translation>também: %1</translation>
        </message>
        <message>
            <source>LoRA alpha: "%1" is not a number</source>
            <translation>Alfa do LoRA: "%1" não é um número</translation>
        </message>
        <message>
            <source>Weight decay: "%1" is not a number</source>
            <translation>Decaimento de pesos: "%1" não é um número</translation>
        </message>
        <message>
            <source>Gradient clipping: "%1" is not a number</source>
            <translation>Corte do gradiente: "%1" não é um número</translation>
        </message>
        <message>
            <source>The settings QLoRA's authors trained Guanaco 7B with: rank 64, alpha 16 on every linear layer, learning rate 2e-4 after a 3% warm-up, 16 examples per step, 1,875 steps, gradient clipping at 0.3. Takes long on a CPU.</source>
            <translation>As configurações com que os autores do QLoRA treinaram o Guanaco 7B: posto 64, alfa 16 em todas as camadas lineares, taxa de aprendizado 2e-4 após 3% de aquecimento, 16 exemplos por passo, 1.875 passos, corte do gradiente em 0,3. Demora muito numa CPU.</translation>
        </message>
        <message>
            <source>No published settings for this method.</source>
            <translation>Não há configurações publicadas para este método.</translation>
        </message>
        <message>
            <source>Zeroth-order settings</source>
            <translation>Configurações de ordem zero</translation>
        </message>
        <message>
            <source>First-order settings (backward pass, AdamW)</source>
            <translation>Configurações de primeira ordem (retropropagação, AdamW)</translation>
        </message>
        <message>
            <source>LoRA rank</source>
            <translation>Posto do LoRA</translation>
        </message>
        <message>
            <source>QLoRA only: the size r of each adapter pair (A is r × inputs, B is outputs × r). A larger rank can learn more and needs more memory; 8 to 64 is usual.</source>
            <translation>Só QLoRA: o tamanho r de cada par de adaptadores (A tem r × entradas, B tem saídas × r). Um posto maior pode aprender mais e precisa de mais memória; 8 a 64 é o comum.</translation>
        </message>
        <message>
            <source>LoRA alpha</source>
            <translation>Alfa do LoRA</translation>
        </message>
        <message>
            <source>QLoRA only: the adapters' output is multiplied by alpha / rank before it is added to the layer's.</source>
            <translation>Só QLoRA: a saída dos adaptadores é multiplicada por alfa / posto antes de ser somada à da camada.</translation>
        </message>
        <message>
            <source>Adapted layers</source>
            <translation>Camadas adaptadas</translation>
        </message>
        <message>
            <source>QLoRA only: which linear layers of every block get an adapter: the attention projections q, k, v, o and the feed-forward projections gate, up, down. At least one stays ticked; more layers learn more and use more memory.</source>
            <translation>Só QLoRA: quais camadas lineares de cada bloco recebem um adaptador: as projeções de atenção q, k, v, o e as projeções feed-forward gate, up, down. Pelo menos uma fica marcada; mais camadas aprendem mais e usam mais memória.</translation>
        </message>
        <message>
            <source>Weight decay</source>
            <translation>Decaimento de pesos</translation>
        </message>
        <message>
            <source>AdamW pulls every trained value a little towards zero each step, by learning rate × decay (0: off, as QLoRA trains).</source>
            <translation>O AdamW puxa cada valor treinado um pouco em direção a zero a cada passo, em taxa de aprendizado × decaimento (0: desligado, como o QLoRA treina).</translation>
        </message>
        <message>
            <source>Gradient clipping</source>
            <translation>Corte do gradiente</translation>
        </message>
        <message>
            <source>When the gradient's overall size (its global norm) is above this, it is scaled down to it before the AdamW step, so that one odd batch cannot wreck the model (0: off).</source>
            <translation>Quando o tamanho total do gradiente (sua norma global) passa deste valor, ele é reduzido a ele antes do passo do AdamW, para que um lote estranho não estrague o modelo (0: desligado).</translation>
        </message>
        <message>
            <source>Activation checkpointing</source>
            <translation>Checkpoint de ativações</translation>
        </message>
        <message>
            <source>Keeps only each block's input during the forward pass and recomputes the rest in the backward pass: much less memory for about one more forward pass per step.</source>
            <translation>Guarda só a entrada de cada bloco durante a passagem direta e recalcula o resto na retropropagação: muito menos memória ao custo de cerca de uma passagem direta a mais por passo.</translation>
        </message>
        <message>
            <source>recompute activations in the backward pass</source>
            <translation>recalcular as ativações na retropropagação</translation>
        </message>
        <message>
            <source>%1 settings</source>
            <translation>Configurações de %1</translation>
        </message>
        <message>
            <source>Sparse ZO needs a sensitive-entry mask: load a .qtsparse file or compute one for this model (Sensitive-entry mask, on the right).</source>
            <translation>O Sparse ZO precisa de uma máscara das entradas sensíveis: carregue um arquivo .qtsparse ou calcule uma para este modelo (Máscara das entradas sensíveis, à direita).</translation>
        </message>
        <message>
            <source>Safety</source>
            <translation>Segurança</translation>
        </message>
        <message>
            <source>Checkpoint every N steps</source>
            <translation>Checkpoint a cada N passos</translation>
        </message>
        <message>
            <source>How often the run saves its progress to its folder, so that a crash or a closed window loses at most this many steps: Start then offers to go on from there.</source>
            <translation>Com que frequência a execução salva seu progresso na pasta, para que uma falha ou uma janela fechada perca no máximo esse número de passos: Iniciar então oferece continuar dali.</translation>
        </message>
        <message>
            <source>Checkpoint every N minutes</source>
            <translation>Checkpoint a cada N minutos</translation>
        </message>
        <message>
            <source>Also save the progress when this many minutes have passed since the last save, however few steps that was (0: only by steps).</source>
            <translation>Também salvar o progresso quando tantos minutos tiverem passado desde o último salvamento, por poucos passos que sejam (0: só por passos).</translation>
        </message>
        <message>
            <source>Divergence guard</source>
            <translation>Proteção contra divergência</translation>
        </message>
        <message>
            <source>Watches every step: when the loss comes out as NaN or infinite, or jumps far above its usual level, the step is undone, the model goes back to its last good state and the learning rate is lowered. Keeps two copies of the trained values in main memory.</source>
            <translation>Observa cada passo: quando a perda sai NaN ou infinita, ou salta muito acima do nível habitual, o passo é desfeito, o modelo volta ao último estado bom e a taxa de aprendizado é reduzida. Mantém duas cópias dos valores treinados na memória principal.</translation>
        </message>
        <message>
            <source>undo steps that blow up</source>
            <translation>desfazer passos que explodem</translation>
        </message>
        <message>
            <source>Spike factor</source>
            <translation>Fator de pico</translation>
        </message>
        <message>
            <source>A step whose loss is more than this many times the lowest running average of the loss so far counts as a blow-up (it must be above 1; 3 is the default).</source>
            <translation>Um passo cuja perda passa deste número de vezes a menor média móvel da perda até agora conta como explosão (deve ser maior que 1; o padrão é 3).</translation>
        </message>
        <message>
            <source>Learning-rate factor</source>
            <translation>Fator da taxa de aprendizado</translation>
        </message>
        <message>
            <source>After each rollback the learning rate is multiplied by this (0.25: a quarter of what it was).</source>
            <translation>Após cada reversão a taxa de aprendizado é multiplicada por este valor (0,25: um quarto do que era).</translation>
        </message>
        <message>
            <source>Max rollbacks in a row</source>
            <translation>Máximo de reversões seguidas</translation>
        </message>
        <message>
            <source>Stop the run after this many rollbacks with no good step in between: the settings need changing.</source>
            <translation>Parar a execução após este número de reversões sem nenhum passo bom entre elas: as configurações precisam mudar.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::ModelPanel</name>
        <message>
            <source>Open a model</source>
            <translation>Abrir um modelo</translation>
        </message>
        <message>
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>Modelos GGUF (*.gguf);;Todos os arquivos (*)</translation>
        </message>
        <message>
            <source>Method</source>
            <translation>Método</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>Total</translation>
        </message>
        <message>
            <source>Fits on %1?</source>
            <translation>Cabe em %1?</translation>
        </message>
        <message>
            <source>the device</source>
            <translation>o dispositivo</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>desconhecido</translation>
        </message>
        <message>
            <source>yes (%1%)</source>
            <translation>sim (%1%)</translation>
        </message>
        <message>
            <source>no: %1 over</source>
            <translation>não: %1 acima</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>Procurar…</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Abrir</translation>
        </message>
        <message>
            <source>Choose a GGUF model file on this computer.</source>
            <translation>Escolher um arquivo de modelo GGUF neste computador.</translation>
        </message>
        <message>
            <source>Load the model named in the box (recent models are in its list).</source>
            <translation>Carregar o modelo indicado na caixa (os modelos recentes estão na lista dela).</translation>
        </message>
        <message>
            <source>About this model</source>
            <translation>Sobre este modelo</translation>
        </message>
        <message>
            <source>Planned by the engine from the file before training; hover a method for where its numbers come from. The Memory page shows what a run really holds.</source>
            <translation>Previsto pelo motor a partir do arquivo antes do treino; passe o mouse sobre um método para ver a origem dos números. A página Memória mostra o que um treino realmente ocupa.</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Architecture: %2&lt;br&gt;Parameters: %3 (%4 M)&lt;br&gt;File size: %5 (tensors %6)&lt;br&gt;Quantization: %7&lt;br&gt;Layers: %8, embedding width %9, attention heads %10 (key/value heads %11)&lt;br&gt;Context: %12 tokens, vocabulary %13 tokens&lt;br&gt;Chat template: %14&lt;br&gt;Loaded on: %15</source>
            <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Arquitetura: %2&lt;br&gt;Parâmetros: %3 (%4 M)&lt;br&gt;Tamanho do arquivo: %5 (tensores %6)&lt;br&gt;Quantização: %7&lt;br&gt;Camadas: %8, largura do embedding %9, cabeças de atenção %10 (cabeças chave/valor %11)&lt;br&gt;Contexto: %12 tokens, vocabulário %13 tokens&lt;br&gt;Modelo de chat: %14&lt;br&gt;Carregado em: %15</translation>
        </message>
        <message>
            <source>Memory each method would need</source>
            <translation>Memória que cada método precisaria</translation>
        </message>
        <message>
            <source>Memory each method would need (sequences of %1 tokens, %2 per step, as on the Method page)</source>
            <translation>Memória que cada método precisaria (sequências de %1 tokens, %2 por passo, como na página Método)</translation>
        </message>
        <message>
            <source>Open a Hugging Face model folder</source>
            <translation>Abrir uma pasta de modelo do Hugging Face</translation>
        </message>
        <message>
            <source>Not found: %1</source>
            <translation>Não encontrado: %1</translation>
        </message>
        <message>
            <source>A Hugging Face folder: click to open it (converted once, then cached).</source>
            <translation>Uma pasta do Hugging Face: clique para abri-la (convertida uma vez, depois guardada no cache).</translation>
        </message>
        <message>
            <source>Click to open this model.</source>
            <translation>Clique para abrir este modelo.</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <source>No model loaded yet. Press Open to load the one named above, or drop a .gguf file or a model folder on this page.</source>
            <translation>Nenhum modelo carregado ainda. Clique em Abrir para carregar o indicado acima, ou solte um arquivo .gguf ou uma pasta de modelo nesta página.</translation>
        </message>
        <message>
            <source>Open folder…</source>
            <translation>Abrir pasta…</translation>
        </message>
        <message>
            <source>Choose a Hugging Face model folder (config.json, safetensors, tokenizer.json): it is converted to GGUF once and kept in the cache. You can also drop a file or folder here.</source>
            <translation>Escolher uma pasta de modelo do Hugging Face (config.json, safetensors, tokenizer.json): ela é convertida para GGUF uma vez e guardada no cache. Você também pode soltar um arquivo ou uma pasta aqui.</translation>
        </message>
        <message>
            <source>Recent models</source>
            <translation>Modelos recentes</translation>
        </message>
        <message>
            <source>What each method can train in this model</source>
            <translation>O que cada método pode treinar neste modelo</translation>
        </message>
        <message>
            <source>Opening %1…</source>
            <translation>Abrindo %1…</translation>
        </message>
        <message>
            <source>Converting %1 to GGUF (%2)… this can take a while; it happens once per folder.</source>
            <translation>Convertendo %1 para GGUF (%2)… isso pode demorar; acontece uma vez por pasta.</translation>
        </message>
        <message>
            <source>Model file (.gguf) or Hugging Face folder</source>
            <translation>Arquivo de modelo (.gguf) ou pasta do Hugging Face</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>Configurações</translation>
        </message>
        <message>
            <source>Language:</source>
            <translation>Idioma:</translation>
        </message>
        <message>
            <source>Open the last model (or the default model) when QuantTune starts</source>
            <translation>Abrir o último modelo (ou o modelo padrão) quando o QuantTune iniciar</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskDialog</name>
        <message>
            <source>The gradient criterion needs calibration text: choose plain-text files, or run scripts/setup.sh, which puts Jane Austen's novels in %1.</source>
            <translation>O critério do gradiente precisa de texto de calibração: escolha arquivos de texto simples ou execute scripts/setup.sh, que coloca os romances de Jane Austen em %1.</translation>
        </message>
        <message>
            <source>Say where to save the mask.</source>
            <translation>Diga onde salvar a máscara.</translation>
        </message>
        <message>
            <source>Not needed: this criterion reads no text.</source>
            <translation>Não é necessário: este critério não lê texto.</translation>
        </message>
        <message>
            <source>No default calibration text found: scripts/setup.sh puts Jane Austen's novels in %1. Or choose plain-text files of your own.</source>
            <translation>Nenhum texto de calibração padrão encontrado: scripts/setup.sh coloca os romances de Jane Austen em %1. Ou escolha seus próprios arquivos de texto simples.</translation>
        </message>
        <message>
            <source>Default: Jane Austen's novels, generic English text as in the paper.</source>
            <translation>Padrão: os romances de Jane Austen, texto genérico em inglês como no artigo.</translation>
        </message>
        <message>
            <source>Choose calibration text</source>
            <translation>Escolher o texto de calibração</translation>
        </message>
        <message>
            <source>Plain text (*.txt);;All files (*)</source>
            <translation>Texto simples (*.txt);;Todos os arquivos (*)</translation>
        </message>
        <message>
            <source>Save the mask as</source>
            <translation>Salvar a máscara como</translation>
        </message>
        <message>
            <source>Sparse masks (*.qtsparse)</source>
            <translation>Máscaras esparsas (*.qtsparse)</translation>
        </message>
        <message>
            <source>Compute the sensitive-entry mask</source>
            <translation>Calcular a máscara das entradas sensíveis</translation>
        </message>
        <message>
            <source>Share of weights</source>
            <translation>Fração dos pesos</translation>
        </message>
        <message>
            <source>How many of the linear layers' weights are trained, as a share: 0.001 keeps one in a thousand. The paper uses 0.0001 to 0.01; more entries can learn more and need a little more memory (8 bytes each).</source>
            <translation>A fração dos pesos das camadas lineares que é treinada: 0.001 mantém um em cada mil. O artigo usa de 0.0001 a 0.01; mais entradas podem aprender mais e precisam de um pouco mais de memória (8 bytes cada).</translation>
        </message>
        <message>
            <source>Chosen over</source>
            <translation>Escolhido entre</translation>
        </message>
        <message>
            <source>Globally: the most sensitive entries of all linear layers together, so some matrices get many and others none (the paper's choice). Per matrix: the same share of every matrix.</source>
            <translation>Global: as entradas mais sensíveis de todas as camadas lineares juntas, de modo que algumas matrizes recebem muitas e outras nenhuma (a escolha do artigo). Por matriz: a mesma fração de cada matriz.</translation>
        </message>
        <message>
            <source>all linear layers (global)</source>
            <translation>todas as camadas lineares (global)</translation>
        </message>
        <message>
            <source>each matrix (per matrix)</source>
            <translation>cada matriz (por matriz)</translation>
        </message>
        <message>
            <source>Criterion</source>
            <translation>Critério</translation>
        </message>
        <message>
            <source>How entries are ranked. Squared gradient is the method: the entries whose weights the loss on generic text is most sensitive to. Weight magnitude and random are the paper's baselines, to compare with.</source>
            <translation>Como as entradas são classificadas. O gradiente ao quadrado é o método: as entradas cujos pesos mais afetam a perda em texto genérico. A magnitude dos pesos e o aleatório são as linhas de base do artigo, para comparação.</translation>
        </message>
        <message>
            <source>squared gradient (sensitivity)</source>
            <translation>gradiente ao quadrado (sensibilidade)</translation>
        </message>
        <message>
            <source>weight magnitude (baseline)</source>
            <translation>magnitude dos pesos (linha de base)</translation>
        </message>
        <message>
            <source>random (baseline)</source>
            <translation>aleatório (linha de base)</translation>
        </message>
        <message>
            <source>The sum of each weight's squared gradient over the calibration sequences (a diagonal Fisher estimate): the entries that matter most to the model. One backward pass per sequence.</source>
            <translation>A soma do gradiente ao quadrado de cada peso sobre as sequências de calibração (uma estimativa diagonal de Fisher): as entradas que mais importam para o modelo. Uma passagem reversa por sequência.</translation>
        </message>
        <message>
            <source>A baseline of the paper: the entries with the largest |weight|, no text needed. The paper found it trains worse than the gradient's choice.</source>
            <translation>Uma linha de base do artigo: as entradas com o maior |peso|, sem precisar de texto. O artigo constatou que ela treina pior que a escolha pelo gradiente.</translation>
        </message>
        <message>
            <source>A baseline of the paper: as many entries drawn at random (seeded), no text needed. Shows what the choice of entries is worth.</source>
            <translation>Uma linha de base do artigo: o mesmo número de entradas sorteadas (com semente), sem precisar de texto. Mostra quanto vale a escolha das entradas.</translation>
        </message>
        <message>
            <source>Calibration sequences</source>
            <translation>Sequências de calibração</translation>
        </message>
        <message>
            <source>How many windows of text the squared gradients are summed over, one backward pass each. More gives a steadier choice and takes longer.</source>
            <translation>Sobre quantas janelas de texto os gradientes ao quadrado são somados, uma passagem reversa cada. Mais janelas dão uma escolha mais estável e levam mais tempo.</translation>
        </message>
        <message>
            <source>Window length</source>
            <translation>Comprimento da janela</translation>
        </message>
        <message>
            <source>Tokens per calibration window.</source>
            <translation>Tokens por janela de calibração.</translation>
        </message>
        <message>
            <source>Calibration text</source>
            <translation>Texto de calibração</translation>
        </message>
        <message>
            <source>Plain-text files cut into windows, spread evenly over each file. Generic text suits any later task: the mask is chosen once and reused.</source>
            <translation>Arquivos de texto simples cortados em janelas, distribuídas uniformemente em cada arquivo. Texto genérico serve para qualquer tarefa posterior: a máscara é escolhida uma vez e reutilizada.</translation>
        </message>
        <message>
            <source>Choose .txt files…</source>
            <translation>Escolher arquivos .txt…</translation>
        </message>
        <message>
            <source>Default text</source>
            <translation>Texto padrão</translation>
        </message>
        <message>
            <source>Save as</source>
            <translation>Salvar como</translation>
        </message>
        <message>
            <source>The mask file (.qtsparse). Its folder is created if needed.</source>
            <translation>O arquivo de máscara (.qtsparse). A pasta é criada se necessário.</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>Procurar…</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskHeatMap</name>
        <message>
            <source>Output head</source>
            <translation>Cabeça de saída</translation>
        </message>
        <message>
            <source>Layer %1, %2</source>
            <translation>Camada %1, %2</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 entries of %3 weights: %4%</source>
            <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 entradas de %3 pesos: %4%</translation>
        </message>
        <message>
            <source>Where the mask's entries sit</source>
            <translation>Onde ficam as entradas da máscara</translation>
        </message>
        <message>
            <source>linear layer</source>
            <translation>camada linear</translation>
        </message>
        <message>
            <source>layer</source>
            <translation>camada</translation>
        </message>
        <message>
            <source>share of the matrix in the mask (%)</source>
            <translation>fração da matriz na máscara (%)</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskPanel</name>
        <message>
            <source>Load a sensitive-entry mask</source>
            <translation>Carregar uma máscara das entradas sensíveis</translation>
        </message>
        <message>
            <source>Sparse masks (*.qtsparse);;All files (*)</source>
            <translation>Máscaras esparsas (*.qtsparse);;Todos os arquivos (*)</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <source>%1 sensitive entries: %2% of the %3 weights of the linear layers. Criterion: %4; chosen over %5.</source>
            <translation>%1 entradas sensíveis: %2% dos %3 pesos das camadas lineares. Critério: %4; escolhidas entre %5.</translation>
        </message>
        <message>
            <source>These entries carry %1% of the squared gradient summed over %2 calibration sequences.</source>
            <translation>Essas entradas carregam %1% do gradiente ao quadrado somado sobre %2 sequências de calibração.</translation>
        </message>
        <message>
            <source>These entries carry %1% of the squared gradient.</source>
            <translation>Essas entradas carregam %1% do gradiente ao quadrado.</translation>
        </message>
        <message>
            <source>The file also holds trained values, which a run starts from.</source>
            <translation>O arquivo também contém valores treinados, dos quais um treino parte.</translation>
        </message>
        <message>
            <source>Not in the map (no linear layer of a block, nor the head): %1.</source>
            <translation>Fora do mapa (nem camada linear de um bloco, nem a cabeça): %1.</translation>
        </message>
        <message>
            <source>Open a model first: a mask belongs to one model.</source>
            <translation>Abra um modelo primeiro: uma máscara pertence a um único modelo.</translation>
        </message>
        <message>
            <source>Read a .qtsparse file and check that it was made for the open model.</source>
            <translation>Ler um arquivo .qtsparse e verificar se foi feito para o modelo aberto.</translation>
        </message>
        <message>
            <source>Choose the sensitive entries of the open model now (on the engine's thread; the window stays usable).</source>
            <translation>Escolher agora as entradas sensíveis do modelo aberto (na thread do motor; a janela continua utilizável).</translation>
        </message>
        <message>
            <source>starting…</source>
            <translation>iniciando…</translation>
        </message>
        <message>
            <source>pass %1 of %2: sequence %3 of %4</source>
            <translation>passagem %1 de %2: sequência %3 de %4</translation>
        </message>
        <message>
            <source>matrix %1 of %2</source>
            <translation>matriz %1 de %2</translation>
        </message>
        <message>
            <source>No mask yet: load a .qtsparse file or compute one for the open model. Sparse ZO trains only the entries the mask names.</source>
            <translation>Ainda sem máscara: carregue um arquivo .qtsparse ou calcule uma para o modelo aberto. O Sparse ZO treina apenas as entradas que a máscara indica.</translation>
        </message>
        <message>
            <source>Not yet checked against a model: it will be once a model is open.</source>
            <translation>Ainda não verificada em relação a um modelo: será quando um modelo for aberto.</translation>
        </message>
        <message>
            <source>Computing the mask…</source>
            <translation>Calculando a máscara…</translation>
        </message>
        <message>
            <source>Checking %1 against the open model…</source>
            <translation>Verificando %1 em relação ao modelo aberto…</translation>
        </message>
        <message>
            <source>✔ The mask fits the open model.</source>
            <translation>✔ A máscara corresponde ao modelo aberto.</translation>
        </message>
        <message>
            <source>Computing the mask was cancelled: no file was written.</source>
            <translation>O cálculo da máscara foi cancelado: nenhum arquivo foi gravado.</translation>
        </message>
        <message>
            <source>✘ %1</source>
            <translation>✘ %1</translation>
        </message>
        <message>
            <source>No mask in use.</source>
            <translation>Nenhuma máscara em uso.</translation>
        </message>
        <message>
            <source>The mask in use is still %1.</source>
            <translation>A máscara em uso continua sendo %1.</translation>
        </message>
        <message>
            <source>Sensitive-entry mask</source>
            <translation>Máscara das entradas sensíveis</translation>
        </message>
        <message>
            <source>no mask file</source>
            <translation>nenhum arquivo de máscara</translation>
        </message>
        <message>
            <source>Load…</source>
            <translation>Carregar…</translation>
        </message>
        <message>
            <source>Compute…</source>
            <translation>Calcular…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Cancelar</translation>
        </message>
        <message>
            <source>Stop the computation after the current sequence; no file is written.</source>
            <translation>Parar o cálculo após a sequência atual; nenhum arquivo é gravado.</translation>
        </message>
        <message>
            <source>Sparse ZO trains a float32 value at each entry of the linear layers that this mask names, about 0.1% of them: those the loss on generic text is most sensitive to. The mask is chosen once per model and reused for every task.</source>
            <translation>O Sparse ZO treina um valor float32 em cada entrada das camadas lineares que esta máscara indica, cerca de 0,1% delas: aquelas às quais a perda em texto genérico é mais sensível. A máscara é escolhida uma vez por modelo e reutilizada em todas as tarefas.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::TrainingPanel</name>
        <message>
            <source>step %v of %m</source>
            <translation>passo %v de %m</translation>
        </message>
        <message>
            <source>elapsed %1, about %2 left</source>
            <translation>decorrido %1, faltam cerca de %2</translation>
        </message>
        <message>
            <source>Train with the settings of the Method page.</source>
            <translation>Treinar com as configurações da página Método.</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>Retomar</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>Pausar</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>Iniciar</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Parar</translation>
        </message>
        <message>
            <source>Pause after the current step; Resume continues exactly where it stopped.</source>
            <translation>Pausar após o passo atual; Retomar continua exatamente de onde parou.</translation>
        </message>
        <message>
            <source>End the run after the current step. The model keeps what it has learned.</source>
            <translation>Encerrar o treino após o passo atual. O modelo mantém o que aprendeu.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::TrainingPlots</name>
        <message>
            <source>Export plots as PNG</source>
            <translation>Exportar os gráficos como PNG</translation>
        </message>
        <message>
            <source>PNG images (*.png)</source>
            <translation>Imagens PNG (*.png)</translation>
        </message>
        <message>
            <source>Export failed</source>
            <translation>Falha ao exportar</translation>
        </message>
        <message>
            <source>Could not write %1.</source>
            <translation>Não foi possível gravar %1.</translation>
        </message>
        <message>
            <source>Export metrics as CSV</source>
            <translation>Exportar as métricas como CSV</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>Arquivos CSV (*.csv)</translation>
        </message>
        <message>
            <source>Loss (lower is better)</source>
            <translation>Perda (menor é melhor)</translation>
        </message>
        <message>
            <source>Directional derivative and clipping</source>
            <translation>Derivada direcional e corte</translation>
        </message>
        <message>
            <source>Learning rate</source>
            <translation>Taxa de aprendizado</translation>
        </message>
        <message>
            <source>Throughput</source>
            <translation>Vazão</translation>
        </message>
        <message>
            <source>training (this step's examples)</source>
            <translation>treino (exemplos deste passo)</translation>
        </message>
        <message>
            <source>held-out</source>
            <translation>separados</translation>
        </message>
        <message>
            <source>raw d</source>
            <translation>d bruto</translation>
        </message>
        <message>
            <source>clipped d'</source>
            <translation>d' cortado</translation>
        </message>
        <message>
            <source>clip rate (right axis)</source>
            <translation>taxa de corte (eixo direito)</translation>
        </message>
        <message>
            <source>learning rate</source>
            <translation>taxa de aprendizado</translation>
        </message>
        <message>
            <source>tokens per second</source>
            <translation>tokens por segundo</translation>
        </message>
        <message>
            <source>step</source>
            <translation>passo</translation>
        </message>
        <message>
            <source>clip rate</source>
            <translation>taxa de corte</translation>
        </message>
        <message>
            <source>Fit</source>
            <translation>Ajustar</translation>
        </message>
        <message>
            <source>Show all points again after zooming or panning.</source>
            <translation>Mostrar todos os pontos de novo após zoom ou deslocamento.</translation>
        </message>
        <message>
            <source>Export PNG…</source>
            <translation>Exportar PNG…</translation>
        </message>
        <message>
            <source>Export CSV…</source>
            <translation>Exportar CSV…</translation>
        </message>
        <message>
            <source>Gradient norm and clipping</source>
            <translation>Norma do gradiente e corte</translation>
        </message>
        <message>
            <source>gradient norm (before clipping)</source>
            <translation>norma do gradiente (antes do corte)</translation>
        </message>
        <message>
            <source>clipped steps</source>
            <translation>passos cortados</translation>
        </message>
        <message>
            <source>global gradient norm</source>
            <translation>norma global do gradiente</translation>
        </message>
        <message>
            <source>rollback</source>
            <translation>reversão</translation>
        </message>
        <message>
            <source>Step %1 rolled back: %2</source>
            <translation>Passo %1 revertido: %2</translation>
        </message>
        <message>
            <source>rollback (divergence guard)</source>
            <translation>reversão (proteção contra divergência)</translation>
        </message>
    </context>
    <context>
        <name>MethodReach</name>
        <message>
            <source>nothing: the model has no trainable linears</source>
            <translation>nada: o modelo não tem camadas lineares treináveis</translation>
        </message>
        <message>
            <source>nothing: its linears are %1, which have no block scale (only block-quantized types such as Q8_0, Q4_1 or Q4_K do)</source>
            <translation>nada: suas camadas lineares são %1, tipos sem escala de bloco (só os tipos quantizados em blocos, como Q8_0, Q4_1 ou Q4_K, têm)</translation>
        </message>
        <message numerus="yes">
            <source>block scales of %n linears (types %1)</source>
            <translation>
                <numerusform>escalas de bloco de %n camada linear (tipos %1)</numerusform>
                <numerusform>escalas de bloco de %n camadas lineares (tipos %1)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>; %n linears stay frozen (%1: no block scale)</source>
            <translation>
                <numerusform>; %n camada linear continua congelada (%1: sem escala de bloco)</numerusform>
                <numerusform>; %n camadas lineares continuam congeladas (%1: sem escala de bloco)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>every linear: %n linears, %1 M weights (types %2)</source>
            <translation>
                <numerusform>todas as camadas lineares: %n camada, %1 M de pesos (tipos %2)</numerusform>
                <numerusform>todas as camadas lineares: %n camadas, %1 M de pesos (tipos %2)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>a float32 value at each masked entry of the %n linears (types %1); a sensitivity mask chooses the entries</source>
            <translation>
                <numerusform>um valor float32 em cada entrada mascarada de %n camada linear (tipos %1); uma máscara de sensibilidade escolhe as entradas</numerusform>
                <numerusform>um valor float32 em cada entrada mascarada das %n camadas lineares (tipos %1); uma máscara de sensibilidade escolhe as entradas</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>low-rank adapters beside the chosen ones of the %n linears (types %1), which stay frozen</source>
            <translation>
                <numerusform>adaptadores de posto baixo ao lado de %n camada linear escolhida (tipos %1), que continua congelada</numerusform>
                <numerusform>adaptadores de posto baixo ao lado das escolhidas entre as %n camadas lineares (tipos %1), que continuam congeladas</numerusform>
            </translation>
        </message>
        <message>
            <source>%1, from the backward pass</source>
            <translation>%1, pela retropropagação</translation>
        </message>
        <message>
            <source>%1, from two forward passes a step</source>
            <translation>%1, a partir de duas passagens diretas por passo</translation>
        </message>
        <message>
            <source>%1, %2 layers, width %3, %4 heads (%5 KV), head %6</source>
            <translation>%1, %2 camadas, largura %3, %4 cabeças (%5 KV), dimensão da cabeça %6</translation>
        </message>
        <message>
            <source>; %1</source>
            <translation>; %1</translation>
        </message>
    </context>
</TS>
