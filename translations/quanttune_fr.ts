<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
    <context>
        <name>Devices</name>
        <message>
            <source>CPU</source>
            <translation>Processeur</translation>
        </message>
        <message>
            <source>%1, %2 cores, %3 free of %4</source>
            <translation>%1, %2 cœurs, %3 libres sur %4</translation>
        </message>
    </context>
    <context>
        <name>Memory</name>
        <message>
            <source>Weights</source>
            <translation>Poids</translation>
        </message>
        <message>
            <source>Trainable parameters</source>
            <translation>Paramètres entraînables</translation>
        </message>
        <message>
            <source>Gradients</source>
            <translation>Gradients</translation>
        </message>
        <message>
            <source>Optimizer states</source>
            <translation>États de l'optimiseur</translation>
        </message>
        <message>
            <source>Activations</source>
            <translation>Activations</translation>
        </message>
        <message>
            <source>KV cache</source>
            <translation>Cache KV</translation>
        </message>
        <message>
            <source>The model's weights as stored: quantized blocks, norms, embedding.</source>
            <translation>Les poids du modèle tels qu'ils sont stockés : blocs quantifiés, normalisations, plongement.</translation>
        </message>
        <message>
            <source>What training changes, in full precision: QZO's block scales, MeZO's float32 weights, QLoRA's adapters, or the fp32 master copy of full fine-tuning.</source>
            <translation>Ce que l'entraînement modifie, en pleine précision : les échelles de bloc de QZO, les poids float32 de MeZO, les adaptateurs de QLoRA ou la copie maîtresse fp32 de l'affinage complet.</translation>
        </message>
        <message>
            <source>One gradient value per trained parameter (back-propagation only).</source>
            <translation>Une valeur de gradient par paramètre entraîné (rétropropagation seulement).</translation>
        </message>
        <message>
            <source>AdamW's two running averages per trained parameter.</source>
            <translation>Les deux moyennes glissantes d'AdamW par paramètre entraîné.</translation>
        </message>
        <message>
            <source>Intermediate results of the forward pass and the logits the loss is computed from; with a first-order method, also what the backward pass reads.</source>
            <translation>Résultats intermédiaires de la passe avant et logits à partir desquels la perte est calculée ; avec une méthode du premier ordre, aussi ce que lit la passe arrière.</translation>
        </message>
        <message>
            <source>Keys and values of earlier tokens, kept for attention.</source>
            <translation>Clés et valeurs des jetons précédents, gardées pour l'attention.</translation>
        </message>
        <message>
            <source>QZO (planned)</source>
            <translation>QZO (prévu)</translation>
        </message>
        <message>
            <source>MeZO (planned)</source>
            <translation>MeZO (prévu)</translation>
        </message>
        <message>
            <source>Full fine-tuning, bf16 + AdamW (planned)</source>
            <translation>Affinage complet, bf16 + AdamW (prévu)</translation>
        </message>
        <message>
            <source>QLoRA (planned)</source>
            <translation>QLoRA (prévu)</translation>
        </message>
        <message>
            <source>Full fine-tuning, float32 AdamW (planned)</source>
            <translation>Affinage complet, AdamW float32 (prévu)</translation>
        </message>
        <message>
            <source>Projections</source>
            <translation>Projections</translation>
        </message>
        <message>
            <source>GaLore's low-rank projection matrices, one per trained weight (INT4 in Q-GaLore).</source>
            <translation>Les matrices de projection de rang faible de GaLore, une par poids entraîné (INT4 dans Q-GaLore).</translation>
        </message>
        <message>
            <source>Q-GaLore (planned)</source>
            <translation>Q-GaLore (prévu)</translation>
        </message>
        <message>
            <source>Plain GaLore, float32 (planned)</source>
            <translation>GaLore simple, float32 (prévu)</translation>
        </message>
        <message>
            <source>Sparse values</source>
            <translation>Valeurs creuses</translation>
        </message>
        <message>
            <source>Sparse mask</source>
            <translation>Masque creux</translation>
        </message>
        <message>
            <source>Sparse ZO's trained values S, one float per sensitive weight, added to the 4-bit weights.</source>
            <translation>Les valeurs S entraînées par Sparse ZO, un flottant par poids sensible, ajoutées aux poids 4 bits.</translation>
        </message>
        <message>
            <source>Sparse ZO (planned)</source>
            <translation>Sparse ZO (prévu)</translation>
        </message>
        <message>
            <source>Where sparse ZO's sensitive weights sit: their column indices and row starts.</source>
            <translation>L'emplacement des poids sensibles de Sparse ZO : leurs indices de colonne et les débuts de ligne.</translation>
        </message>
        <message>
            <source>Rollback copies</source>
            <translation>Copies de retour arrière</translation>
        </message>
        <message>
            <source>Two copies of the training state in main memory: the last one that passed the divergence guard, which a rollback returns to, and the one being checked.</source>
            <translation>Deux copies de l&apos;état d&apos;entraînement en mémoire principale : la dernière validée par le garde-fou de divergence, à laquelle un retour arrière revient, et celle en cours de vérification.</translation>
        </message>
    </context>
    <context>
        <name>TrainingMethod</name>
        <message>
            <source>QZO: zeroth-order on the 4-bit scales</source>
            <translation>QZO : ordre zéro sur les échelles 4 bits</translation>
        </message>
        <message>
            <source>Trains only the continuous scales of the quantized blocks from two forward passes per step with a seeded random perturbation, the projected gradient clipped (Shang et al. 2025). No gradients, no optimizer states: inference memory.</source>
            <translation>N'entraîne que les échelles continues des blocs quantifiés, à partir de deux passes avant par pas avec une perturbation aléatoire issue d'une graine, le gradient projeté écrêté (Shang et al. 2025). Ni gradients ni états d'optimiseur : la mémoire de l'inférence.</translation>
        </message>
        <message>
            <source>MeZO: zeroth-order on float32 weights</source>
            <translation>MeZO : ordre zéro sur des poids float32</translation>
        </message>
        <message>
            <source>SPSA on every linear weight expanded to float32 (Malladi et al. 2023): the zeroth-order baseline.</source>
            <translation>SPSA sur chaque poids linéaire converti en float32 (Malladi et al. 2023) : la référence d'ordre zéro.</translation>
        </message>
        <message>
            <source>QLoRA: low-rank adapters on the frozen 4-bit model</source>
            <translation>QLoRA : adaptateurs de rang faible sur le modèle 4 bits figé</translation>
        </message>
        <message>
            <source>Trains small float32 adapters B A beside chosen linears of the frozen quantized model with AdamW, from the backward pass (Hu et al. 2021; Dettmers et al. 2023). Memory: the quantized weights, the adapters and their optimizer states, and the activations the backward needs.</source>
            <translation>Entraîne avec AdamW de petits adaptateurs float32 B A placés à côté de couches linéaires choisies du modèle quantifié figé, à partir de la passe arrière (Hu et al. 2021 ; Dettmers et al. 2023). Mémoire : les poids quantifiés, les adaptateurs et leurs états d'optimiseur, et les activations dont la passe arrière a besoin.</translation>
        </message>
        <message>
            <source>Full fine-tuning with AdamW (float32)</source>
            <translation>Affinage complet avec AdamW (float32)</translation>
        </message>
        <message>
            <source>Every linear weight as a float32 master copy trained by AdamW: the reference point, 16 bytes a weight; only for small models.</source>
            <translation>Chaque poids linéaire en copie maîtresse float32 entraînée par AdamW : le point de référence, 16 octets par poids ; seulement pour les petits modèles.</translation>
        </message>
        <message>
            <source>Q-GaLore: INT8 weights, low-rank gradients, 8-bit Adam</source>
            <translation>Q-GaLore : poids INT8, gradients de rang faible, Adam 8 bits</translation>
        </message>
        <message>
            <source>Trains every linear weight, held as INT8 in groups and updated by stochastic rounding, from gradients projected to a low rank by INT4 projections that each layer refreshes lazily, with 8-bit Adam states (Zhang et al. 2024). Each layer's gradient is applied and freed during the backward. galore_quantized off gives plain GaLore (float32 weights and projections, 32-bit Adam).</source>
            <translation>Entraîne tous les poids linéaires, stockés en INT8 par groupes et mis à jour par arrondi stochastique, à partir de gradients projetés à un rang faible par des projections INT4 que chaque couche renouvelle paresseusement, avec des états d'Adam sur 8 bits (Zhang et al. 2024). Le gradient de chaque couche est appliqué puis libéré pendant la passe arrière. galore_quantized désactivé donne GaLore simple (poids et projections float32, Adam 32 bits).</translation>
        </message>
        <message>
            <source>Projection rank</source>
            <translation>Rang de projection</translation>
        </message>
        <message>
            <source>The rank r each weight's gradient is projected to before Adam sees it, so that Adam keeps r values per row or column instead of the whole matrix (capped at the weight's smaller side). A larger rank learns more like full fine-tuning and needs more memory; the paper uses 128 to 512.</source>
            <translation>Le rang r auquel le gradient de chaque poids est projeté avant qu'Adam ne le voie : Adam garde alors r valeurs par ligne ou par colonne au lieu de la matrice entière (au plus la plus petite dimension du poids). Un rang plus grand apprend davantage comme un affinage complet et demande plus de mémoire ; l'article utilise 128 à 512.</translation>
        </message>
        <message>
            <source>Steps between SVDs</source>
            <translation>Pas entre deux SVD</translation>
        </message>
        <message>
            <source>How many steps a layer keeps its projection before an SVD of its gradient computes a new one, at first. Once a layer's subspace has settled (see the similarity threshold) its gap doubles: the lazy rule that saves SVDs. GaLore refreshes every 200 steps.</source>
            <translation>Combien de pas une couche garde sa projection avant qu'une SVD de son gradient n'en calcule une nouvelle, au début. Quand le sous-espace d'une couche s'est stabilisé (voir le seuil de similarité), cet intervalle double : c'est la règle paresseuse qui économise des SVD. GaLore renouvelle tous les 200 pas.</translation>
        </message>
        <message>
            <source>Similarity threshold</source>
            <translation>Seuil de similarité</translation>
        </message>
        <message>
            <source>When the mean |cosine| between a layer's successive subspaces reaches this, the subspace counts as settled and the layer's gap between SVDs doubles. Lower skips more SVDs; 1 hardly ever skips one.</source>
            <translation>Quand la moyenne des |cosinus| entre les sous-espaces successifs d'une couche atteint cette valeur, le sous-espace est considéré comme stable et l'intervalle entre les SVD de la couche double. Plus bas, on saute plus de SVD ; à 1, on n'en saute presque jamais.</translation>
        </message>
        <message>
            <source>Similarity window</source>
            <translation>Fenêtre de similarité</translation>
        </message>
        <message>
            <source>How many of a layer's latest subspace changes the mean for the similarity threshold covers.</source>
            <translation>Combien des derniers changements de sous-espace d'une couche la moyenne comparée au seuil de similarité prend en compte.</translation>
        </message>
        <message>
            <source>Update scale (alpha)</source>
            <translation>Échelle de la mise à jour (alpha)</translation>
        </message>
        <message>
            <source>The update, projected back to the weight's full size, is multiplied by this before it is added (GaLore's alpha; 0.25 in the papers).</source>
            <translation>La mise à jour, reprojetée à la taille complète du poids, est multipliée par cette valeur avant d'être ajoutée (l'alpha de GaLore ; 0,25 dans les articles).</translation>
        </message>
        <message>
            <source>Weight group size</source>
            <translation>Taille des groupes de poids</translation>
        </message>
        <message>
            <source>How many weights share one INT8 scale and zero point. Smaller groups round more precisely and store a little more.</source>
            <translation>Combien de poids partagent une échelle et un point zéro INT8. Des groupes plus petits arrondissent plus finement et occupent un peu plus de place.</translation>
        </message>
        <message>
            <source>Projection group size</source>
            <translation>Taille des groupes de projection</translation>
        </message>
        <message>
            <source>How many values of a projection matrix share one INT4 scale and zero point; even, since two 4-bit codes share a byte.</source>
            <translation>Combien de valeurs d'une matrice de projection partagent une échelle et un point zéro INT4 ; nombre pair, car deux codes de 4 bits partagent un octet.</translation>
        </message>
        <message>
            <source>Stochastic rounding</source>
            <translation>Arrondi stochastique</translation>
        </message>
        <message>
            <source>Round each updated INT8 weight up or down at random, in proportion to how near it is, so that updates smaller than one INT8 step still add up over many steps. Off: round to nearest, and such updates are lost.</source>
            <translation>Arrondit chaque poids INT8 mis à jour vers le haut ou vers le bas au hasard, selon sa proximité, pour que des mises à jour plus petites qu'un pas INT8 s'additionnent malgré tout sur de nombreux pas. Désactivé : arrondi au plus proche, et ces mises à jour sont perdues.</translation>
        </message>
        <message>
            <source>Quantized (off: plain GaLore)</source>
            <translation>Quantifié (désactivé : GaLore simple)</translation>
        </message>
        <message>
            <source>On: Q-GaLore, with INT8 weights, INT4 projections and 8-bit Adam states. Off: plain GaLore, with float32 weights and projections and 32-bit Adam states: more memory, the reference to compare with.</source>
            <translation>Activé : Q-GaLore, avec poids INT8, projections INT4 et états d'Adam sur 8 bits. Désactivé : GaLore simple, avec poids et projections float32 et états d'Adam sur 32 bits : plus de mémoire, la référence à laquelle comparer.</translation>
        </message>
        <message>
            <source>INT8 weights</source>
            <translation>Poids INT8</translation>
        </message>
        <message>
            <source>INT4 projections</source>
            <translation>Projections INT4</translation>
        </message>
        <message>
            <source>8-bit Adam states</source>
            <translation>États d'Adam 8 bits</translation>
        </message>
        <message>
            <source>float32 weights</source>
            <translation>Poids float32</translation>
        </message>
        <message>
            <source>float32 projections</source>
            <translation>Projections float32</translation>
        </message>
        <message>
            <source>Adam states</source>
            <translation>États d'Adam</translation>
        </message>
        <message>
            <source>SVDs done</source>
            <translation>SVD effectuées</translation>
        </message>
        <message>
            <source>SVDs the lazy rule saved</source>
            <translation>SVD économisées par la règle paresseuse</translation>
        </message>
        <message>
            <source>Subspace similarity</source>
            <translation>Similarité des sous-espaces</translation>
        </message>
        <message>
            <source>Sparse ZO: zeroth-order on 0.1% sensitive weights</source>
            <translation>Sparse ZO : ordre zéro sur 0,1 % de poids sensibles</translation>
        </message>
        <message>
            <source>Trains a float32 value S at a small set of sensitive weights, chosen once from squared gradients on generic text (a mask file: quanttune-cli sensitivity), added to the frozen 4-bit model: W = dequant(Q) + S. Two forward passes per step as in QZO, with the same perturbation, clipping and schedules (Guo et al. 2025). Optionally the 4-bit block scales train too.</source>
            <translation>Entraîne une valeur float32 S en un petit ensemble de poids sensibles, choisis une fois pour toutes d'après les gradients au carré sur un texte générique (un fichier de masque : quanttune-cli sensitivity), ajoutée au modèle 4 bits figé : W = dequant(Q) + S. Deux passes avant par pas comme dans QZO, avec la même perturbation, le même écrêtage et les mêmes calendriers (Guo et al. 2025). En option, les échelles de blocs 4 bits s'entraînent aussi.</translation>
        </message>
        <message>
            <source>Also train the 4-bit scales</source>
            <translation>Entraîner aussi les échelles 4 bits</translation>
        </message>
        <message>
            <source>Train QZO's block scales beside the sparse values, with the same perturbation: more of the model adapts, at no extra memory but the scales' float32 copies.</source>
            <translation>Entraîne les échelles de blocs de QZO à côté des valeurs creuses, avec la même perturbation : une plus grande partie du modèle s'adapte, sans autre mémoire que les copies float32 des échelles.</translation>
        </message>
        <message>
            <source>QZO scale masters</source>
            <translation>copies maîtresses des échelles QZO</translation>
        </message>
        <message>
            <source>sparse values S (float32)</source>
            <translation>valeurs creuses S (float32)</translation>
        </message>
        <message>
            <source>sensitive-entry mask</source>
            <translation>masque des entrées sensibles</translation>
        </message>
    </context>
    <context>
        <name>Units</name>
        <message>
            <source>%1 B</source>
            <translation>%1 o</translation>
        </message>
        <message>
            <source>%1 kB</source>
            <translation>%1 ko</translation>
        </message>
        <message>
            <source>%1 MB</source>
            <translation>%1 Mo</translation>
        </message>
        <message>
            <source>%1 GB</source>
            <translation>%1 Go</translation>
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
            <translation>Exporter la comparaison</translation>
        </message>
        <message>
            <source>Markdown (*.md)</source>
            <translation>Markdown (*.md)</translation>
        </message>
        <message>
            <source>Export failed</source>
            <translation>Échec de l'export</translation>
        </message>
        <message>
            <source>Could not write %1.</source>
            <translation>Impossible d'écrire %1.</translation>
        </message>
        <message>
            <source>Compare</source>
            <translation>Comparer</translation>
        </message>
        <message>
            <source>Write a prompt first.</source>
            <translation>Écrivez d'abord une consigne.</translation>
        </message>
        <message>
            <source>answering…</source>
            <translation>réponse en cours…</translation>
        </message>
        <message>
            <source>waiting for the base model…</source>
            <translation>en attente du modèle de base…</translation>
        </message>
        <message>
            <source>Ask both models something, e.g. a question from your dataset.</source>
            <translation>Posez une question aux deux modèles, par exemple une question de votre jeu de données.</translation>
        </message>
        <message>
            <source>The base model answers first, then the fine-tuned one, with the same settings.</source>
            <translation>Le modèle de base répond d'abord, puis le modèle affiné, avec les mêmes réglages.</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Exporter…</translation>
        </message>
        <message>
            <source>Sampling (the same for both)</source>
            <translation>Échantillonnage (identique pour les deux)</translation>
        </message>
        <message>
            <source>Max tokens:</source>
            <translation>Jetons max. :</translation>
        </message>
        <message>
            <source>Temperature:</source>
            <translation>Température :</translation>
        </message>
        <message>
            <source>0 always picks the likeliest word; higher values answer more freely.</source>
            <translation>0 choisit toujours le mot le plus probable ; des valeurs plus élevées répondent plus librement.</translation>
        </message>
        <message>
            <source>Top-k:</source>
            <translation>Top-k :</translation>
        </message>
        <message>
            <source>Pick only among the k likeliest words (0: no limit).</source>
            <translation>Choisir seulement parmi les k mots les plus probables (0 : sans limite).</translation>
        </message>
        <message>
            <source>Top-p:</source>
            <translation>Top-p :</translation>
        </message>
        <message>
            <source>Pick only among the likeliest words that together make up this probability.</source>
            <translation>Choisir seulement parmi les mots les plus probables qui totalisent cette probabilité.</translation>
        </message>
        <message>
            <source>Seed:</source>
            <translation>Graine :</translation>
        </message>
        <message>
            <source>Chat template</source>
            <translation>Modèle de conversation</translation>
        </message>
        <message>
            <source>Wrap the prompt as a user turn of the model's chat template.</source>
            <translation>Présenter la consigne comme un tour d'utilisateur du modèle de conversation.</translation>
        </message>
        <message>
            <source>Base model (from the file)</source>
            <translation>Modèle de base (du fichier)</translation>
        </message>
        <message>
            <source>Fine-tuned model (after training)</source>
            <translation>Modèle affiné (après l'entraînement)</translation>
        </message>
        <message>
            <source>Earlier prompts</source>
            <translation>Consignes précédentes</translation>
        </message>
        <message>
            <source>Example prompts: pick one to put it in the box.</source>
            <translation>Consignes d'exemple : choisissez-en une pour la mettre dans la case.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DatasetPanel</name>
        <message>
            <source>Open a dataset</source>
            <translation>Ouvrir un jeu de données</translation>
        </message>
        <message>
            <source>Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)</source>
            <translation>Jeux de données (*.jsonl *.json *.csv *.tsv *.txt);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>… and %1 more</source>
            <translation>… et %1 de plus</translation>
        </message>
        <message>
            <source>Data file</source>
            <translation>Fichier de données</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>Parcourir…</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Ouvrir</translation>
        </message>
        <message>
            <source>JSON lines, JSON array, CSV/TSV or plain text</source>
            <translation>Lignes JSON, tableau JSON, CSV/TSV ou texte brut</translation>
        </message>
        <message>
            <source>What the engine found</source>
            <translation>Ce que le moteur a trouvé</translation>
        </message>
        <message>
            <source>Token lengths</source>
            <translation>Longueurs en jetons</translation>
        </message>
        <message>
            <source>tokens per example</source>
            <translation>jetons par exemple</translation>
        </message>
        <message>
            <source>examples</source>
            <translation>exemples</translation>
        </message>
        <message>
            <source>First examples as the model sees them (completion highlighted: the loss is computed on it)</source>
            <translation>Premiers exemples tels que le modèle les voit (complétion surlignée : la perte est calculée dessus)</translation>
        </message>
        <message>
            <source>Skipped rows and why</source>
            <translation>Lignes ignorées et pourquoi</translation>
        </message>
        <message>
            <source>No dataset loaded.</source>
            <translation>Aucun jeu de données chargé.</translation>
        </message>
        <message>
            <source>Format: %1%2&lt;br&gt;Rows read: %3, kept: %4, skipped: %5, shortened: %6&lt;br&gt;Tokens: %7, of which trained on: %8&lt;br&gt;Length: %9–%10 tokens, mean %11, median %12, 90% below %13</source>
            <translation>Format : %1%2&lt;br&gt;Lignes lues : %3, gardées : %4, ignorées : %5, raccourcies : %6&lt;br&gt;Jetons : %7, dont entraînés : %8&lt;br&gt;Longueur : %9–%10 jetons, moyenne %11, médiane %12, 90 % sous %13</translation>
        </message>
        <message>
            <source> (chat template applied)</source>
            <translation> (modèle de conversation appliqué)</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DatasetPreviewModel</name>
        <message>
            <source>%1 (cut)</source>
            <translation>%1 (coupé)</translation>
        </message>
        <message>
            <source>&lt;b&gt;Prompt&lt;/b&gt; (the model reads it, no loss):&lt;pre&gt;%1&lt;/pre&gt;&lt;b&gt;Completion&lt;/b&gt; (the model learns to write it):&lt;pre style='background:#d8f0d8'&gt;%2&lt;/pre&gt;</source>
            <translation>&lt;b&gt;Consigne&lt;/b&gt; (le modèle la lit, sans perte) :&lt;pre&gt;%1&lt;/pre&gt;&lt;b&gt;Complétion&lt;/b&gt; (le modèle apprend à l'écrire) :&lt;pre style='background:#d8f0d8'&gt;%2&lt;/pre&gt;</translation>
        </message>
        <message>
            <source>Line</source>
            <translation>Ligne</translation>
        </message>
        <message>
            <source>Prompt (as the model sees it)</source>
            <translation>Consigne (telle que le modèle la voit)</translation>
        </message>
        <message>
            <source>Completion (trained on)</source>
            <translation>Complétion (entraînée)</translation>
        </message>
        <message>
            <source>Tokens</source>
            <translation>Jetons</translation>
        </message>
        <message>
            <source>Targets</source>
            <translation>Cibles</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::DevicePanel</name>
        <message>
            <source>Where the model runs</source>
            <translation>Où le modèle s'exécute</translation>
        </message>
        <message>
            <source>Look for GPUs again</source>
            <translation>Rechercher à nouveau les GPU</translation>
        </message>
        <message>
            <source>The chosen device is used the next time a model is opened. Free memory is measured when the list is made: a GPU's by its driver, the CPU's by the operating system.</source>
            <translation>Le périphérique choisi sert à la prochaine ouverture d'un modèle. La mémoire libre est mesurée quand la liste est établie : celle d'un GPU par son pilote, celle du processeur par le système d'exploitation.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::EngineWorker</name>
        <message>
            <source>Opening the model</source>
            <translation>Ouverture du modèle</translation>
        </message>
        <message>
            <source>Stop the training run before opening another model.</source>
            <translation>Arrêtez l'entraînement avant d'ouvrir un autre modèle.</translation>
        </message>
        <message>
            <source>Opening %1 ...</source>
            <translation>Ouverture de %1 ...</translation>
        </message>
        <message>
            <source>Loaded %1: %2 parameters on %3</source>
            <translation>%1 chargé : %2 paramètres sur %3</translation>
        </message>
        <message>
            <source>none (%1)</source>
            <translation>aucun (%1)</translation>
        </message>
        <message>
            <source>Opening the dataset</source>
            <translation>Ouverture du jeu de données</translation>
        </message>
        <message>
            <source>Open a model first: the dataset is read with its tokenizer.</source>
            <translation>Ouvrez d'abord un modèle : le jeu de données est lu avec son tokeniseur.</translation>
        </message>
        <message>
            <source>Stop the training run before opening another dataset.</source>
            <translation>Arrêtez l'entraînement avant d'ouvrir un autre jeu de données.</translation>
        </message>
        <message>
            <source>Dataset %1: %2 examples kept, %3 rows skipped</source>
            <translation>Jeu de données %1 : %2 exemples gardés, %3 lignes ignorées</translation>
        </message>
        <message>
            <source>Starting training</source>
            <translation>Démarrage de l'entraînement</translation>
        </message>
        <message>
            <source>Open a model and a dataset first.</source>
            <translation>Ouvrez d'abord un modèle et un jeu de données.</translation>
        </message>
        <message>
            <source>Training %1 for %2 steps: %3 trainable values (%4 training, %5 held-out examples; %6 rows skipped)</source>
            <translation>Entraînement %1 sur %2 pas : %3 valeurs entraînables (%4 exemples d'entraînement, %5 mis de côté ; %6 lignes ignorées)</translation>
        </message>
        <message>
            <source>Warning: %1</source>
            <translation>Avertissement : %1</translation>
        </message>
        <message>
            <source>Warning: eps is above 10% of the scales of %1 weights; steps that large wreck them. Lower eps, or make the perturbation relative to each weight&apos;s scale (Method page).</source>
            <translation>Avertissement : eps dépasse 10% des échelles de %1 poids ; des pas aussi grands les détruisent. Baissez eps, ou rendez la perturbation relative à l&apos;échelle de chaque poids (page Méthode).</translation>
        </message>
        <message>
            <source>Warning: the relative eps moves every weight&apos;s scales by more than 10%; lower it.</source>
            <translation>Avertissement : l&apos;eps relatif déplace les échelles de chaque poids de plus de 10% ; baissez-le.</translation>
        </message>
        <message>
            <source>Note: %1</source>
            <translation>Remarque : %1</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>arrêté</translation>
        </message>
        <message>
            <source>step %1: validation loss %2%3</source>
            <translation>pas %1 : perte de validation %2%3</translation>
        </message>
        <message>
            <source>, accuracy %1%</source>
            <translation>, exactitude %1 %</translation>
        </message>
        <message>
            <source>stopped early: the validation loss stopped improving</source>
            <translation>arrêté tôt : la perte de validation ne s'améliorait plus</translation>
        </message>
        <message>
            <source>finished</source>
            <translation>terminé</translation>
        </message>
        <message>
            <source>Training step %1</source>
            <translation>Pas d'entraînement %1</translation>
        </message>
        <message>
            <source>stopped by an error</source>
            <translation>arrêté par une erreur</translation>
        </message>
        <message>
            <source>paused after step %1</source>
            <translation>en pause après le pas %1</translation>
        </message>
        <message>
            <source>resumed</source>
            <translation>repris</translation>
        </message>
        <message>
            <source>training %1 after %2 steps</source>
            <translation>entraînement %1 après %2 pas</translation>
        </message>
        <message>
            <source>Comparing answers</source>
            <translation>Comparaison des réponses</translation>
        </message>
        <message>
            <source>Open a model first.</source>
            <translation>Ouvrez d'abord un modèle.</translation>
        </message>
        <message>
            <source>%1 tokens, %2 tokens/s</source>
            <translation>%1 jetons, %2 jetons/s</translation>
        </message>
        <message>
            <source>unusable: %1</source>
            <translation>inutilisable : %1</translation>
        </message>
        <message>
            <source>No GPU: %1</source>
            <translation>Pas de GPU : %1</translation>
        </message>
        <message>
            <source>Exporting the model</source>
            <translation>Export du modèle</translation>
        </message>
        <message>
            <source>Train first, and wait until the run has ended.</source>
            <translation>Entraînez d'abord, et attendez la fin de l'entraînement.</translation>
        </message>
        <message>
            <source>fine-tuned model written to %1</source>
            <translation>modèle affiné écrit dans %1</translation>
        </message>
        <message>
            <source>%1: %2 tensors, %3</source>
            <translation>%1 : %2 tenseurs, %3</translation>
        </message>
        <message>
            <source>Planning memory</source>
            <translation>Planification de la mémoire</translation>
        </message>
        <message>
            <source>%1, %2 free of %3</source>
            <translation>%1, %2 libres sur %3</translation>
        </message>
        <message>
            <source>also written: %1</source>
            <translation>aussi écrit : %1</translation>
        </message>
        <message>
            <source>Loading the mask</source>
            <translation>Chargement du masque</translation>
        </message>
        <message>
            <source>Open a model first: a mask is checked against the model it is used with.</source>
            <translation>Ouvrez d'abord un modèle : un masque est vérifié par rapport au modèle avec lequel il sert.</translation>
        </message>
        <message>
            <source>Mask %1: %2 sensitive entries (%3%)</source>
            <translation>Masque %1 : %2 entrées sensibles (%3 %)</translation>
        </message>
        <message>
            <source>Computing the mask</source>
            <translation>Calcul du masque</translation>
        </message>
        <message>
            <source>Stop the training run before computing a mask.</source>
            <translation>Arrêtez l'entraînement avant de calculer un masque.</translation>
        </message>
        <message>
            <source>no calibration text: choose plain-text files, or run scripts/setup.sh, which puts Jane Austen's novels in %1</source>
            <translation>pas de texte de calibration : choisissez des fichiers texte, ou lancez scripts/setup.sh, qui place les romans de Jane Austen dans %1</translation>
        </message>
        <message>
            <source>Calibration: %1 windows of %2 tokens from %3 file(s)</source>
            <translation>Calibration : %1 fenêtres de %2 jetons tirées de %3 fichier(s)</translation>
        </message>
        <message>
            <source>cannot create the folder %1</source>
            <translation>impossible de créer le dossier %1</translation>
        </message>
        <message>
            <source>Mask written to %1: %2 sensitive entries in %3 s</source>
            <translation>Masque écrit dans %1 : %2 entrées sensibles en %3 s</translation>
        </message>
        <message>
            <source>Cancelled: no mask was written.</source>
            <translation>Annulé : aucun masque n'a été écrit.</translation>
        </message>
        <message>
            <source>resumed from %1 after step %2</source>
            <translation>repris depuis %1 après l&apos;étape %2</translation>
        </message>
        <message>
            <source>Run folder: %1 (checkpoint and metrics.jsonl)</source>
            <translation>Dossier de l&apos;exécution : %1 (point de reprise et metrics.jsonl)</translation>
        </message>
        <message>
            <source>stopped: training diverged</source>
            <translation>arrêté : l&apos;entraînement a divergé</translation>
        </message>
        <message>
            <source>step %1: rolled back to the state before step %2 (%3); learning rate now %4 times the setting</source>
            <translation>étape %1 : retour à l&apos;état d&apos;avant l&apos;étape %2 (%3) ; taux d&apos;apprentissage désormais %4 fois le réglage</translation>
        </message>
        <message>
            <source>checkpoint written: %1</source>
            <translation>point de reprise écrit : %1</translation>
        </message>
        <message>
            <source>Warning: checkpoint not written: %1; training goes on and tries again at the next one</source>
            <translation>Avertissement : point de reprise non écrit : %1 ; l&apos;entraînement continue et réessaie au suivant</translation>
        </message>
        <message>
            <source>Warning: checkpoint not written: %1</source>
            <translation>Avertissement : point de reprise non écrit : %1</translation>
        </message>
        <message>
            <source>%1: this folder has no config.json, so it is no Hugging Face model folder</source>
            <translation>%1 : ce dossier n'a pas de config.json, ce n'est donc pas un dossier de modèle Hugging Face</translation>
        </message>
        <message>
            <source>Converting the Hugging Face folder %1 to GGUF (%2), once, into the cache ...</source>
            <translation>Conversion du dossier Hugging Face %1 en GGUF (%2), une seule fois, dans le cache ...</translation>
        </message>
        <message>
            <source>Converted: %1</source>
            <translation>Converti : %1</translation>
        </message>
        <message>
            <source>q/k/v biases</source>
            <translation>biais q/k/v</translation>
        </message>
        <message>
            <source>q/k norm</source>
            <translation>normalisation q/k</translation>
        </message>
        <message>
            <source>post-norms</source>
            <translation>post-normalisations</translation>
        </message>
        <message>
            <source>neox rope</source>
            <translation>RoPE neox</translation>
        </message>
        <message>
            <source>rope frequency factors</source>
            <translation>facteurs de fréquence RoPE</translation>
        </message>
        <message>
            <source>GeGLU</source>
            <translation>GeGLU</translation>
        </message>
        <message>
            <source>fused q/k/v</source>
            <translation>q/k/v fusionnés</translation>
        </message>
        <message>
            <source>fused gate/up</source>
            <translation>gate/up fusionnés</translation>
        </message>
        <message>
            <source>attention softcap %1</source>
            <translation>softcap de l'attention %1</translation>
        </message>
        <message>
            <source>final softcap %1</source>
            <translation>softcap final %1</translation>
        </message>
        <message>
            <source>sliding window %1 (%2 of every %3 layers)</source>
            <translation>fenêtre glissante %1 (%2 couches sur %3)</translation>
        </message>
        <message>
            <source>sliding window %1</source>
            <translation>fenêtre glissante %1</translation>
        </message>
        <message>
            <source>tied output head</source>
            <translation>tête de sortie liée au plongement</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MainWindow</name>
        <message>
            <source>Give me three tips for learning a new language.</source>
            <translation>Donne-moi trois conseils pour apprendre une nouvelle langue.</translation>
        </message>
        <message>
            <source>Training %1.</source>
            <translation>Entraînement %1.</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>Travail en cours…</translation>
        </message>
        <message>
            <source>Ready.</source>
            <translation>Prêt.</translation>
        </message>
        <message>
            <source>Open a model</source>
            <translation>Ouvrir un modèle</translation>
        </message>
        <message>
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>Modèles GGUF (*.gguf);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>Open a dataset</source>
            <translation>Ouvrir un jeu de données</translation>
        </message>
        <message>
            <source>Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)</source>
            <translation>Jeux de données (*.jsonl *.json *.csv *.tsv *.txt);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>Load a session</source>
            <translation>Charger une session</translation>
        </message>
        <message>
            <source>Sessions (*.json)</source>
            <translation>Sessions (*.json)</translation>
        </message>
        <message>
            <source>Save the session</source>
            <translation>Enregistrer la session</translation>
        </message>
        <message>
            <source>About QuantTune</source>
            <translation>À propos de QuantTune</translation>
        </message>
        <message>
            <source>&lt;b&gt;QuantTune %1&lt;/b&gt;&lt;br&gt;Fine-tunes quantized language models on the computer you have: zeroth-order (QZO, MeZO) or through the backward pass (QLoRA, full fine-tuning with AdamW).</source>
            <translation>&lt;b&gt;QuantTune %1&lt;/b&gt;&lt;br&gt;Affine des modèles de langage quantifiés sur l'ordinateur dont vous disposez : à l'ordre zéro (QZO, MeZO) ou par la passe arrière (QLoRA, affinage complet avec AdamW).</translation>
        </message>
        <message>
            <source>Open a model first (Model page).</source>
            <translation>Ouvrez d'abord un modèle (page Modèle).</translation>
        </message>
        <message>
            <source>Open a dataset first (Dataset page).</source>
            <translation>Ouvrez d'abord un jeu de données (page Données).</translation>
        </message>
        <message>
            <source>Fix the settings on the Method page: %1</source>
            <translation>Corrigez les réglages de la page Méthode : %1</translation>
        </message>
        <message>
            <source>Starting training</source>
            <translation>Démarrage de l'entraînement</translation>
        </message>
        <message>
            <source>Saving the session</source>
            <translation>Enregistrement de la session</translation>
        </message>
        <message>
            <source>Session saved to %1.</source>
            <translation>Session enregistrée dans %1.</translation>
        </message>
        <message>
            <source>Session loaded from %1.</source>
            <translation>Session chargée depuis %1.</translation>
        </message>
        <message>
            <source>Loading the session</source>
            <translation>Chargement de la session</translation>
        </message>
        <message>
            <source>Error — %1: %2</source>
            <translation>Erreur — %1 : %2</translation>
        </message>
        <message>
            <source>Nothing was lost: your settings and the loaded model stay as they were.</source>
            <translation>Rien n'est perdu : vos réglages et le modèle chargé restent tels quels.</translation>
        </message>
        <message>
            <source>Training is running</source>
            <translation>Entraînement en cours</translation>
        </message>
        <message>
            <source>A training run is in progress. Stop it after the current step and quit?</source>
            <translation>Un entraînement est en cours. L'arrêter après le pas actuel et quitter ?</translation>
        </message>
        <message>
            <source>QuantTune — fine-tune quantized language models</source>
            <translation>QuantTune — affiner des modèles de langage quantifiés</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>Modèle</translation>
        </message>
        <message>
            <source>Dataset</source>
            <translation>Données</translation>
        </message>
        <message>
            <source>Method</source>
            <translation>Méthode</translation>
        </message>
        <message>
            <source>Device</source>
            <translation>Périphérique</translation>
        </message>
        <message>
            <source>Training</source>
            <translation>Entraînement</translation>
        </message>
        <message>
            <source>Memory</source>
            <translation>Mémoire</translation>
        </message>
        <message>
            <source>Compare</source>
            <translation>Comparer</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Fichier</translation>
        </message>
        <message>
            <source>Open &amp;model…</source>
            <translation>Ouvrir un &amp;modèle…</translation>
        </message>
        <message>
            <source>Open &amp;dataset…</source>
            <translation>Ouvrir des &amp;données…</translation>
        </message>
        <message>
            <source>&amp;Load session…</source>
            <translation>&amp;Charger une session…</translation>
        </message>
        <message>
            <source>&amp;Save session…</source>
            <translation>&amp;Enregistrer la session…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Quitter</translation>
        </message>
        <message>
            <source>&amp;Settings</source>
            <translation>&amp;Réglages</translation>
        </message>
        <message>
            <source>&amp;Preferences…</source>
            <translation>&amp;Préférences…</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Aide</translation>
        </message>
        <message>
            <source>&amp;About QuantTune</source>
            <translation>À &amp;propos de QuantTune</translation>
        </message>
        <message>
            <source>Export the fine-tuned model</source>
            <translation>Exporter le modèle affiné</translation>
        </message>
        <message>
            <source>&amp;Export fine-tuned model…</source>
            <translation>E&amp;xporter le modèle affiné…</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1 : %2</translation>
        </message>
        <message>
            <source>Wait until the mask is computed (Method page).</source>
            <translation>Attendez la fin du calcul du masque (page Méthode).</translation>
        </message>
        <message>
            <source>Resume the unfinished run?</source>
            <translation>Reprendre l&apos;exécution inachevée ?</translation>
        </message>
        <message>
            <source>A %1 run of this model stopped after step %2 of %3. Go on from there, or start over (its checkpoint is replaced)?</source>
            <translation>Une exécution %1 de ce modèle s&apos;est arrêtée après l&apos;étape %2 sur %3. Reprendre à partir de là, ou recommencer (son point de reprise est remplacé) ?</translation>
        </message>
        <message>
            <source>Resume from step %1</source>
            <translation>Reprendre à l&apos;étape %1</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Recommencer</translation>
        </message>
        <message>
            <source>A run stopped before its end:

model: %1
method: %2
step %3 of %4

Open its model and dataset and go on from there?</source>
            <translation>Une exécution s&apos;est arrêtée avant la fin :

modèle : %1
méthode : %2
étape %3 sur %4

Ouvrir son modèle et son jeu de données et reprendre à partir de là ?</translation>
        </message>
        <message>
            <source>Resuming the run</source>
            <translation>Reprise de l&apos;exécution</translation>
        </message>
        <message>
            <source>The run&apos;s model %1 or dataset %2 is no longer there.</source>
            <translation>Le modèle %1 ou le jeu de données %2 de l&apos;exécution n&apos;existe plus.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MemoryView</name>
        <message>
            <source>This run, now
(memory ledger)</source>
            <translation>Cet entraînement, maintenant
(registre mémoire)</translation>
        </message>
        <message>
            <source>device capacity: unknown</source>
            <translation>capacité du périphérique : inconnue</translation>
        </message>
        <message>
            <source>- - device capacity %1</source>
            <translation>- - capacité du périphérique %1</translation>
        </message>
        <message>
            <source>device capacity %1 (above the chart)</source>
            <translation>capacité du périphérique %1 (au-dessus du graphique)</translation>
        </message>
        <message>
            <source>Now on %1: %2 in use, peak %3 since the run started. Planned bars come from the engine's plan for this model (hover the Model page's table for the basis of each).</source>
            <translation>Maintenant sur %1 : %2 utilisés, pic de %3 depuis le début. Les barres prévues viennent du plan du moteur pour ce modèle (survolez le tableau de la page Modèle pour la base de chacune).</translation>
        </message>
        <message>
            <source>no device yet</source>
            <translation>pas encore de périphérique</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;: %2 (%3 bytes)&lt;br&gt;%4</source>
            <translation>&lt;b&gt;%1&lt;/b&gt; : %2 (%3 octets)&lt;br&gt;%4</translation>
        </message>
        <message>
            <source>memory (MB)</source>
            <translation>mémoire (Mo)</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1 : %2</translation>
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
            <translation>Décomptes par couche jusqu'ici</translation>
        </message>
        <message>
            <source>layer</source>
            <translation>couche</translation>
        </message>
        <message>
            <source>count</source>
            <translation>nombre</translation>
        </message>
        <message>
            <source>%1 by layer and step</source>
            <translation>%1 par couche et par pas</translation>
        </message>
        <message>
            <source>step</source>
            <translation>pas</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::MethodPanel</name>
        <message>
            <source>Learning rate: "%1" is not a number</source>
            <translation>Taux d'apprentissage : « %1 » n'est pas un nombre</translation>
        </message>
        <message>
            <source>Perturbation size: "%1" is not a number</source>
            <translation>Taille de perturbation : « %1 » n'est pas un nombre</translation>
        </message>
        <message>
            <source>Clipping threshold: "%1" is not a number</source>
            <translation>Seuil d'écrêtage : « %1 » n'est pas un nombre</translation>
        </message>
        <message>
            <source>Warm-up steps (%1) must be fewer than the steps (%2)</source>
            <translation>Les pas de montée en régime (%1) doivent être moins nombreux que les pas (%2)</translation>
        </message>
        <message>
            <source>✔ These settings are valid.</source>
            <translation>✔ Ces réglages sont valides.</translation>
        </message>
        <message>
            <source>✘ %1</source>
            <translation>✘ %1</translation>
        </message>
        <message>
            <source>Training method</source>
            <translation>Méthode d'entraînement</translation>
        </message>
        <message>
            <source>Safe defaults</source>
            <translation>Valeurs sûres</translation>
        </message>
        <message>
            <source>Settings that train gently and stop soon: good for a first try.</source>
            <translation>Des réglages qui entraînent en douceur et s'arrêtent vite : bien pour un premier essai.</translation>
        </message>
        <message>
            <source>Paper settings</source>
            <translation>Réglages de l'article</translation>
        </message>
        <message>
            <source>The settings of the MeZO and QZO papers: perturbation 1e-3, learning rate 1e-6, 16 examples per step, 20,000 steps. Takes long on a CPU.</source>
            <translation>Les réglages des articles MeZO et QZO : perturbation 1e-3, taux d'apprentissage 1e-6, 16 exemples par pas, 20 000 pas. Long sur un processeur.</translation>
        </message>
        <message>
            <source>How the model is changed. Zeroth-order methods only run the model forward, so they need about as much memory as answering a question. First-order methods also run the backward pass and keep gradients and optimizer states: more memory, more progress per step.</source>
            <translation>Comment le modèle est modifié. Les méthodes d'ordre zéro n'exécutent le modèle qu'en passe avant : elles demandent à peu près autant de mémoire que pour répondre à une question. Les méthodes du premier ordre exécutent aussi la passe arrière et gardent gradients et états d'optimiseur : plus de mémoire, plus de progrès par pas.</translation>
        </message>
        <message>
            <source>Hyperparameters</source>
            <translation>Hyperparamètres</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>Pas</translation>
        </message>
        <message>
            <source>How many times the model is nudged. More steps learn more and take longer.</source>
            <translation>Combien de fois le modèle est ajusté. Plus de pas apprennent davantage et prennent plus de temps.</translation>
        </message>
        <message>
            <source>Examples per step</source>
            <translation>Exemples par pas</translation>
        </message>
        <message>
            <source>How many examples are averaged for each nudge (batch size). More is steadier but slower.</source>
            <translation>Combien d'exemples sont moyennés à chaque ajustement (taille de lot). Plus, c'est plus stable mais plus lent.</translation>
        </message>
        <message>
            <source>Learning rate</source>
            <translation>Taux d'apprentissage</translation>
        </message>
        <message>
            <source>How big each nudge is. Too big and the loss jumps around or explodes; too small and nothing changes. Choosing another method sets its own default, unless you typed a value.</source>
            <translation>La taille de chaque ajustement. Trop grand, la perte saute ou explose ; trop petit, rien ne change. Choisir une autre méthode met sa propre valeur par défaut, sauf si vous avez saisi une valeur.</translation>
        </message>
        <message>
            <source>Perturbation size</source>
            <translation>Taille de perturbation</translation>
        </message>
        <message>
            <source>How far the method pokes the values to feel which way is downhill (epsilon). 1e-3 is usual.</source>
            <translation>De combien la méthode pousse les valeurs pour sentir la direction de la descente (epsilon). 1e-3 est habituel.</translation>
        </message>
        <message>
            <source>Clipping threshold</source>
            <translation>Seuil d'écrêtage</translation>
        </message>
        <message>
            <source>QZO only: the largest slope a single step may act on; bigger slopes are cut to it, which keeps training stable.</source>
            <translation>QZO seulement : la plus grande pente sur laquelle un pas peut agir ; les pentes plus fortes sont ramenées à ce seuil, ce qui stabilise l'entraînement.</translation>
        </message>
        <message>
            <source>Learning-rate schedule</source>
            <translation>Calendrier du taux d'apprentissage</translation>
        </message>
        <message>
            <source>Keep the rate constant, or lower it gradually (linearly or along a cosine curve) towards the end.</source>
            <translation>Garder le taux constant, ou le baisser progressivement (linéairement ou selon un cosinus) vers la fin.</translation>
        </message>
        <message>
            <source>Warm-up steps</source>
            <translation>Pas de montée en régime</translation>
        </message>
        <message>
            <source>Steps at the start during which the rate rises from zero to its full value.</source>
            <translation>Pas du début pendant lesquels le taux monte de zéro à sa pleine valeur.</translation>
        </message>
        <message>
            <source>Final rate (fraction)</source>
            <translation>Taux final (fraction)</translation>
        </message>
        <message>
            <source>With a decaying schedule: the rate at the end, as a fraction of the full rate.</source>
            <translation>Avec un calendrier décroissant : le taux à la fin, en fraction du taux plein.</translation>
        </message>
        <message>
            <source>Random seed</source>
            <translation>Graine aléatoire</translation>
        </message>
        <message>
            <source>Fixes all random choices, so the same settings give the same run.</source>
            <translation>Fixe tous les choix aléatoires : les mêmes réglages donnent le même entraînement.</translation>
        </message>
        <message>
            <source>Max tokens per example</source>
            <translation>Jetons max. par exemple</translation>
        </message>
        <message>
            <source>Longer examples are shortened. Shorter examples train faster and use less memory.</source>
            <translation>Les exemples plus longs sont raccourcis. Des exemples plus courts s'entraînent plus vite et utilisent moins de mémoire.</translation>
        </message>
        <message>
            <source>Held-out fraction</source>
            <translation>Part mise de côté</translation>
        </message>
        <message>
            <source>The share of examples kept aside to check the model on text it was not trained on.</source>
            <translation>La part des exemples mise de côté pour vérifier le modèle sur du texte non vu à l'entraînement.</translation>
        </message>
        <message>
            <source>Check every N steps</source>
            <translation>Vérifier tous les N pas</translation>
        </message>
        <message>
            <source>How often the held-out loss is measured (0: only at the end).</source>
            <translation>À quelle fréquence la perte sur les exemples mis de côté est mesurée (0 : seulement à la fin).</translation>
        </message>
        <message>
            <source>Examples per check</source>
            <translation>Exemples par vérification</translation>
        </message>
        <message>
            <source>How many held-out examples each check uses (0: all).</source>
            <translation>Combien d'exemples mis de côté chaque vérification utilise (0 : tous).</translation>
        </message>
        <message>
            <source>Patience</source>
            <translation>Patience</translation>
        </message>
        <message>
            <source>Stop early after this many checks without improvement (0: never stop early).</source>
            <translation>Arrêter tôt après ce nombre de vérifications sans amélioration (0 : jamais).</translation>
        </message>
        <message>
            <source>Also train block minimums</source>
            <translation>Entraîner aussi les minimums de bloc</translation>
        </message>
        <message>
            <source>Relative perturbation</source>
            <translation>Perturbation relative</translation>
        </message>
        <message>
            <source>QZO only: perturbation, learning rate and clipping in units of each weight&apos;s typical scale, so that K-quant models (Q4_K_M, Q6_K ...), whose scales are 50 to 300 times smaller than Q4_1&apos;s, are not wrecked by a perturbation meant for Q4_1. Ticking it sets perturbation %1, learning rate %2 and clipping %3, which match the absolute defaults on Q4_1.</source>
            <translation>QZO seulement : perturbation, taux d&apos;apprentissage et seuil d&apos;écrêtage en unités de l&apos;échelle typique de chaque poids, pour que les modèles K-quant (Q4_K_M, Q6_K ...), dont les échelles sont 50 à 300 fois plus petites que celles de Q4_1, ne soient pas détruits par une perturbation pensée pour Q4_1. La cocher règle la perturbation à %1, le taux d&apos;apprentissage à %2 et l&apos;écrêtage à %3, qui correspondent aux valeurs absolues par défaut sur Q4_1.</translation>
        </message>
        <message>
            <source>in units of each weight&apos;s scale</source>
            <translation>en unités de l&apos;échelle de chaque poids</translation>
        </message>
        <message>
            <source>Choose the unit for me</source>
            <translation>Choisir l&apos;unité pour moi</translation>
        </message>
        <message>
            <source>QZO only: at the start of a run, look at the model&apos;s scales. Where the perturbation size would move some weight&apos;s scales by more than a tenth of themselves (K-quant files such as Q4_K_M: their super-block scales are 10 to 300 times smaller than Q4_1&apos;s), train in units of each weight&apos;s scale with their defaults (perturbation %1, learning rate %2, clipping %3) and say so in the log. Only while the three are at their usual values: numbers you typed are kept as they are.</source>
            <translation>QZO seulement : au début d&apos;un entraînement, examine les échelles du modèle. Là où la taille de perturbation déplacerait les échelles d&apos;un poids de plus d&apos;un dixième d&apos;elles-mêmes (fichiers K-quant comme Q4_K_M : leurs échelles de super-bloc sont 10 à 300 fois plus petites que celles de Q4_1), entraîne en unités de l&apos;échelle de chaque poids avec leurs valeurs par défaut (perturbation %1, taux d&apos;apprentissage %2, écrêtage %3) et l&apos;indique dans le journal. Seulement tant que les trois sont à leurs valeurs habituelles : les nombres que vous avez saisis sont gardés tels quels.</translation>
        </message>
        <message>
            <source>relative where the model&apos;s scales need it</source>
            <translation>relative là où les échelles du modèle l&apos;exigent</translation>
        </message>
        <message>
            <source>QZO only: also train the offset m of Q4_1/Q5_1 blocks. Off in the paper.</source>
            <translation>QZO seulement : entraîner aussi le décalage m des blocs Q4_1/Q5_1. Désactivé dans l'article.</translation>
        </message>
        <message>
            <source>constant</source>
            <translation>constant</translation>
        </message>
        <message>
            <source>linear decay</source>
            <translation>décroissance linéaire</translation>
        </message>
        <message>
            <source>cosine decay</source>
            <translation>décroissance en cosinus</translation>
        </message>
        <message>
            <source>Q4_1/Q5_1 minimum m</source>
            <translation>minimum m de Q4_1/Q5_1</translation>
        </message>
        <message>
            <source>Learning rate %1 is far too large for zeroth-order training (it must be below 1)</source>
            <translation>Le taux d'apprentissage %1 est bien trop grand pour un entraînement d'ordre zéro (il doit être inférieur à 1)</translation>
        </message>
        <message>
            <source>Attention: query projection (attn_q)</source>
            <translation>Attention : projection des requêtes (attn_q)</translation>
        </message>
        <message>
            <source>Attention: key projection (attn_k)</source>
            <translation>Attention : projection des clés (attn_k)</translation>
        </message>
        <message>
            <source>Attention: value projection (attn_v)</source>
            <translation>Attention : projection des valeurs (attn_v)</translation>
        </message>
        <message>
            <source>Attention: output projection (attn_output)</source>
            <translation>Attention : projection de sortie (attn_output)</translation>
        </message>
        <message>
            <source>Feed-forward: gate projection (ffn_gate)</source>
            <translation>Réseau feed-forward : projection de porte (ffn_gate)</translation>
        </message>
        <message>
            <source>Feed-forward: up projection (ffn_up)</source>
            <translation>Réseau feed-forward : projection montante (ffn_up)</translation>
        </message>
        <message>
            <source>Feed-forward: down projection (ffn_down)</source>
            <translation>Réseau feed-forward : projection descendante (ffn_down)</translation>
        </message>
        <message>
            <source>also: %1</source>
            <translation>aussi : %1</translation>
        </message>
        <message>
            <source>LoRA alpha: "%1" is not a number</source>
            <translation>Alpha LoRA : « %1 » n'est pas un nombre</translation>
        </message>
        <message>
            <source>Weight decay: "%1" is not a number</source>
            <translation>Décroissance des poids : « %1 » n'est pas un nombre</translation>
        </message>
        <message>
            <source>Gradient clipping: "%1" is not a number</source>
            <translation>Écrêtage du gradient : « %1 » n'est pas un nombre</translation>
        </message>
        <message>
            <source>The settings QLoRA's authors trained Guanaco 7B with: rank 64, alpha 16 on every linear layer, learning rate 2e-4 after a 3% warm-up, 16 examples per step, 1,875 steps, gradient clipping at 0.3. Takes long on a CPU.</source>
            <translation>Les réglages avec lesquels les auteurs de QLoRA ont entraîné Guanaco 7B : rang 64, alpha 16 sur chaque couche linéaire, taux d'apprentissage 2e-4 après 3 % de montée en régime, 16 exemples par pas, 1 875 pas, écrêtage du gradient à 0,3. Long sur un processeur.</translation>
        </message>
        <message>
            <source>No published settings for this method.</source>
            <translation>Pas de réglages publiés pour cette méthode.</translation>
        </message>
        <message>
            <source>Zeroth-order settings</source>
            <translation>Réglages d'ordre zéro</translation>
        </message>
        <message>
            <source>First-order settings (backward pass, AdamW)</source>
            <translation>Réglages du premier ordre (passe arrière, AdamW)</translation>
        </message>
        <message>
            <source>LoRA rank</source>
            <translation>Rang LoRA</translation>
        </message>
        <message>
            <source>QLoRA only: the size r of each adapter pair (A is r × inputs, B is outputs × r). A larger rank can learn more and needs more memory; 8 to 64 is usual.</source>
            <translation>QLoRA seulement : la taille r de chaque paire d'adaptateurs (A fait r × entrées, B fait sorties × r). Un rang plus grand peut apprendre davantage et demande plus de mémoire ; 8 à 64 est courant.</translation>
        </message>
        <message>
            <source>LoRA alpha</source>
            <translation>Alpha LoRA</translation>
        </message>
        <message>
            <source>QLoRA only: the adapters' output is multiplied by alpha / rank before it is added to the layer's.</source>
            <translation>QLoRA seulement : la sortie des adaptateurs est multipliée par alpha / rang avant d'être ajoutée à celle de la couche.</translation>
        </message>
        <message>
            <source>Adapted layers</source>
            <translation>Couches adaptées</translation>
        </message>
        <message>
            <source>QLoRA only: which linear layers of every block get an adapter: the attention projections q, k, v, o and the feed-forward projections gate, up, down. At least one stays ticked; more layers learn more and use more memory.</source>
            <translation>QLoRA seulement : les couches linéaires de chaque bloc qui reçoivent un adaptateur : les projections d'attention q, k, v, o et les projections feed-forward gate, up, down. Au moins une reste cochée ; plus de couches apprennent davantage et utilisent plus de mémoire.</translation>
        </message>
        <message>
            <source>Weight decay</source>
            <translation>Décroissance des poids</translation>
        </message>
        <message>
            <source>AdamW pulls every trained value a little towards zero each step, by learning rate × decay (0: off, as QLoRA trains).</source>
            <translation>AdamW ramène chaque valeur entraînée un peu vers zéro à chaque pas, de taux d'apprentissage × décroissance (0 : désactivé, comme QLoRA s'entraîne).</translation>
        </message>
        <message>
            <source>Gradient clipping</source>
            <translation>Écrêtage du gradient</translation>
        </message>
        <message>
            <source>When the gradient's overall size (its global norm) is above this, it is scaled down to it before the AdamW step, so that one odd batch cannot wreck the model (0: off).</source>
            <translation>Quand la taille globale du gradient (sa norme globale) dépasse cette valeur, il y est ramené avant le pas d'AdamW, pour qu'un lot inhabituel ne puisse pas détruire le modèle (0 : désactivé).</translation>
        </message>
        <message>
            <source>Activation checkpointing</source>
            <translation>Points de contrôle d'activations</translation>
        </message>
        <message>
            <source>Keeps only each block's input during the forward pass and recomputes the rest in the backward pass: much less memory for about one more forward pass per step.</source>
            <translation>Ne garde que l'entrée de chaque bloc pendant la passe avant et recalcule le reste pendant la passe arrière : beaucoup moins de mémoire pour environ une passe avant de plus par pas.</translation>
        </message>
        <message>
            <source>recompute activations in the backward pass</source>
            <translation>recalculer les activations pendant la passe arrière</translation>
        </message>
        <message>
            <source>%1 settings</source>
            <translation>Réglages de %1</translation>
        </message>
        <message>
            <source>Sparse ZO needs a sensitive-entry mask: load a .qtsparse file or compute one for this model (Sensitive-entry mask, on the right).</source>
            <translation>Sparse ZO a besoin d'un masque des entrées sensibles : chargez un fichier .qtsparse ou calculez-en un pour ce modèle (Masque des entrées sensibles, à droite).</translation>
        </message>
        <message>
            <source>Safety</source>
            <translation>Sécurité</translation>
        </message>
        <message>
            <source>Checkpoint every N steps</source>
            <translation>Point de reprise toutes les N étapes</translation>
        </message>
        <message>
            <source>How often the run saves its progress to its folder, so that a crash or a closed window loses at most this many steps: Start then offers to go on from there.</source>
            <translation>La fréquence à laquelle l&apos;exécution enregistre sa progression dans son dossier, pour qu&apos;un plantage ou une fenêtre fermée fasse perdre au plus ce nombre d&apos;étapes : Démarrer propose alors de reprendre à partir de là.</translation>
        </message>
        <message>
            <source>Checkpoint every N minutes</source>
            <translation>Point de reprise toutes les N minutes</translation>
        </message>
        <message>
            <source>Also save the progress when this many minutes have passed since the last save, however few steps that was (0: only by steps).</source>
            <translation>Enregistrer aussi la progression quand ce nombre de minutes s&apos;est écoulé depuis le dernier enregistrement, même après peu d&apos;étapes (0 : seulement par étapes).</translation>
        </message>
        <message>
            <source>Divergence guard</source>
            <translation>Garde-fou de divergence</translation>
        </message>
        <message>
            <source>Watches every step: when the loss comes out as NaN or infinite, or jumps far above its usual level, the step is undone, the model goes back to its last good state and the learning rate is lowered. Keeps two copies of the trained values in main memory.</source>
            <translation>Surveille chaque étape : quand la perte sort en NaN ou infinie, ou bondit bien au-dessus de son niveau habituel, l&apos;étape est annulée, le modèle revient à son dernier bon état et le taux d&apos;apprentissage est abaissé. Garde deux copies des valeurs entraînées en mémoire principale.</translation>
        </message>
        <message>
            <source>undo steps that blow up</source>
            <translation>annuler les étapes qui explosent</translation>
        </message>
        <message>
            <source>Spike factor</source>
            <translation>Facteur de pic</translation>
        </message>
        <message>
            <source>A step whose loss is more than this many times the lowest running average of the loss so far counts as a blow-up (it must be above 1; 3 is the default).</source>
            <translation>Une étape dont la perte dépasse ce nombre de fois la plus basse moyenne glissante de la perte jusqu&apos;ici compte comme une explosion (doit être supérieur à 1 ; 3 par défaut).</translation>
        </message>
        <message>
            <source>Learning-rate factor</source>
            <translation>Facteur du taux d&apos;apprentissage</translation>
        </message>
        <message>
            <source>After each rollback the learning rate is multiplied by this (0.25: a quarter of what it was).</source>
            <translation>Après chaque retour arrière, le taux d&apos;apprentissage est multiplié par ce nombre (0,25 : le quart de ce qu&apos;il était).</translation>
        </message>
        <message>
            <source>Max rollbacks in a row</source>
            <translation>Retours arrière consécutifs max.</translation>
        </message>
        <message>
            <source>Stop the run after this many rollbacks with no good step in between: the settings need changing.</source>
            <translation>Arrêter l&apos;exécution après ce nombre de retours arrière sans bonne étape entre eux : les réglages doivent changer.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::ModelPanel</name>
        <message>
            <source>Open a model</source>
            <translation>Ouvrir un modèle</translation>
        </message>
        <message>
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>Modèles GGUF (*.gguf);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>Method</source>
            <translation>Méthode</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>Total</translation>
        </message>
        <message>
            <source>Fits on %1?</source>
            <translation>Tient sur %1 ?</translation>
        </message>
        <message>
            <source>the device</source>
            <translation>le périphérique</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>inconnu</translation>
        </message>
        <message>
            <source>yes (%1%)</source>
            <translation>oui (%1 %)</translation>
        </message>
        <message>
            <source>no: %1 over</source>
            <translation>non : %1 de trop</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>Parcourir…</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Ouvrir</translation>
        </message>
        <message>
            <source>Choose a GGUF model file on this computer.</source>
            <translation>Choisir un fichier de modèle GGUF sur cet ordinateur.</translation>
        </message>
        <message>
            <source>Load the model named in the box (recent models are in its list).</source>
            <translation>Charger le modèle indiqué dans la case (les modèles récents sont dans sa liste).</translation>
        </message>
        <message>
            <source>About this model</source>
            <translation>À propos de ce modèle</translation>
        </message>
        <message>
            <source>Planned by the engine from the file before training; hover a method for where its numbers come from. The Memory page shows what a run really holds.</source>
            <translation>Prévu par le moteur à partir du fichier avant l'entraînement ; survolez une méthode pour l'origine de ses chiffres. La page Mémoire montre ce qu'un entraînement occupe réellement.</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Architecture: %2&lt;br&gt;Parameters: %3 (%4 M)&lt;br&gt;File size: %5 (tensors %6)&lt;br&gt;Quantization: %7&lt;br&gt;Layers: %8, embedding width %9, attention heads %10 (key/value heads %11)&lt;br&gt;Context: %12 tokens, vocabulary %13 tokens&lt;br&gt;Chat template: %14&lt;br&gt;Loaded on: %15</source>
            <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Architecture : %2&lt;br&gt;Paramètres : %3 (%4 M)&lt;br&gt;Taille du fichier : %5 (tenseurs %6)&lt;br&gt;Quantification : %7&lt;br&gt;Couches : %8, largeur de plongement %9, têtes d'attention %10 (têtes clé/valeur %11)&lt;br&gt;Contexte : %12 jetons, vocabulaire %13 jetons&lt;br&gt;Modèle de conversation : %14&lt;br&gt;Chargé sur : %15</translation>
        </message>
        <message>
            <source>Memory each method would need</source>
            <translation>Mémoire nécessaire à chaque méthode</translation>
        </message>
        <message>
            <source>Memory each method would need (sequences of %1 tokens, %2 per step, as on the Method page)</source>
            <translation>Mémoire nécessaire à chaque méthode (séquences de %1 jetons, %2 par pas, comme sur la page Méthode)</translation>
        </message>
        <message>
            <source>Open a Hugging Face model folder</source>
            <translation>Ouvrir un dossier de modèle Hugging Face</translation>
        </message>
        <message>
            <source>Not found: %1</source>
            <translation>Introuvable : %1</translation>
        </message>
        <message>
            <source>A Hugging Face folder: click to open it (converted once, then cached).</source>
            <translation>Un dossier Hugging Face : cliquez pour l'ouvrir (converti une fois, puis gardé dans le cache).</translation>
        </message>
        <message>
            <source>Click to open this model.</source>
            <translation>Cliquez pour ouvrir ce modèle.</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1 : %2</translation>
        </message>
        <message>
            <source>No model loaded yet. Press Open to load the one named above, or drop a .gguf file or a model folder on this page.</source>
            <translation>Aucun modèle chargé pour l'instant. Appuyez sur Ouvrir pour charger celui indiqué ci-dessus, ou déposez un fichier .gguf ou un dossier de modèle sur cette page.</translation>
        </message>
        <message>
            <source>Open folder…</source>
            <translation>Ouvrir un dossier…</translation>
        </message>
        <message>
            <source>Choose a Hugging Face model folder (config.json, safetensors, tokenizer.json): it is converted to GGUF once and kept in the cache. You can also drop a file or folder here.</source>
            <translation>Choisir un dossier de modèle Hugging Face (config.json, safetensors, tokenizer.json) : il est converti une fois en GGUF et gardé dans le cache. Vous pouvez aussi déposer un fichier ou un dossier ici.</translation>
        </message>
        <message>
            <source>Recent models</source>
            <translation>Modèles récents</translation>
        </message>
        <message>
            <source>What each method can train in this model</source>
            <translation>Ce que chaque méthode peut entraîner dans ce modèle</translation>
        </message>
        <message>
            <source>Opening %1…</source>
            <translation>Ouverture de %1…</translation>
        </message>
        <message>
            <source>Converting %1 to GGUF (%2)… this can take a while; it happens once per folder.</source>
            <translation>Conversion de %1 en GGUF (%2)… cela peut prendre un moment ; cela n'a lieu qu'une fois par dossier.</translation>
        </message>
        <message>
            <source>Model file (.gguf) or Hugging Face folder</source>
            <translation>Fichier de modèle (.gguf) ou dossier Hugging Face</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>Réglages</translation>
        </message>
        <message>
            <source>Language:</source>
            <translation>Langue :</translation>
        </message>
        <message>
            <source>Open the last model (or the default model) when QuantTune starts</source>
            <translation>Ouvrir le dernier modèle (ou le modèle par défaut) au démarrage de QuantTune</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskDialog</name>
        <message>
            <source>The gradient criterion needs calibration text: choose plain-text files, or run scripts/setup.sh, which puts Jane Austen's novels in %1.</source>
            <translation>Le critère du gradient a besoin d'un texte de calibration : choisissez des fichiers texte, ou lancez scripts/setup.sh, qui place les romans de Jane Austen dans %1.</translation>
        </message>
        <message>
            <source>Say where to save the mask.</source>
            <translation>Indiquez où enregistrer le masque.</translation>
        </message>
        <message>
            <source>Not needed: this criterion reads no text.</source>
            <translation>Inutile : ce critère ne lit aucun texte.</translation>
        </message>
        <message>
            <source>No default calibration text found: scripts/setup.sh puts Jane Austen's novels in %1. Or choose plain-text files of your own.</source>
            <translation>Aucun texte de calibration par défaut : scripts/setup.sh place les romans de Jane Austen dans %1. Ou choisissez vos propres fichiers texte.</translation>
        </message>
        <message>
            <source>Default: Jane Austen's novels, generic English text as in the paper.</source>
            <translation>Par défaut : les romans de Jane Austen, un texte anglais générique comme dans l'article.</translation>
        </message>
        <message>
            <source>Choose calibration text</source>
            <translation>Choisir le texte de calibration</translation>
        </message>
        <message>
            <source>Plain text (*.txt);;All files (*)</source>
            <translation>Texte brut (*.txt);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>Save the mask as</source>
            <translation>Enregistrer le masque sous</translation>
        </message>
        <message>
            <source>Sparse masks (*.qtsparse)</source>
            <translation>Masques creux (*.qtsparse)</translation>
        </message>
        <message>
            <source>Compute the sensitive-entry mask</source>
            <translation>Calculer le masque des entrées sensibles</translation>
        </message>
        <message>
            <source>Share of weights</source>
            <translation>Part des poids</translation>
        </message>
        <message>
            <source>How many of the linear layers' weights are trained, as a share: 0.001 keeps one in a thousand. The paper uses 0.0001 to 0.01; more entries can learn more and need a little more memory (8 bytes each).</source>
            <translation>La part des poids des couches linéaires qui est entraînée : 0.001 en garde un sur mille. L'article utilise 0.0001 à 0.01 ; plus d'entrées peuvent apprendre davantage et demandent un peu plus de mémoire (8 octets chacune).</translation>
        </message>
        <message>
            <source>Chosen over</source>
            <translation>Choisi parmi</translation>
        </message>
        <message>
            <source>Globally: the most sensitive entries of all linear layers together, so some matrices get many and others none (the paper's choice). Per matrix: the same share of every matrix.</source>
            <translation>Global : les entrées les plus sensibles de toutes les couches linéaires ensemble, si bien que certaines matrices en reçoivent beaucoup et d'autres aucune (le choix de l'article). Par matrice : la même part de chaque matrice.</translation>
        </message>
        <message>
            <source>all linear layers (global)</source>
            <translation>toutes les couches linéaires (global)</translation>
        </message>
        <message>
            <source>each matrix (per matrix)</source>
            <translation>chaque matrice (par matrice)</translation>
        </message>
        <message>
            <source>Criterion</source>
            <translation>Critère</translation>
        </message>
        <message>
            <source>How entries are ranked. Squared gradient is the method: the entries whose weights the loss on generic text is most sensitive to. Weight magnitude and random are the paper's baselines, to compare with.</source>
            <translation>Comment les entrées sont classées. Le gradient au carré est la méthode : les entrées dont les poids influencent le plus la perte sur un texte générique. La magnitude des poids et le hasard sont les références de l'article, pour comparer.</translation>
        </message>
        <message>
            <source>squared gradient (sensitivity)</source>
            <translation>gradient au carré (sensibilité)</translation>
        </message>
        <message>
            <source>weight magnitude (baseline)</source>
            <translation>magnitude des poids (référence)</translation>
        </message>
        <message>
            <source>random (baseline)</source>
            <translation>hasard (référence)</translation>
        </message>
        <message>
            <source>The sum of each weight's squared gradient over the calibration sequences (a diagonal Fisher estimate): the entries that matter most to the model. One backward pass per sequence.</source>
            <translation>La somme du gradient au carré de chaque poids sur les séquences de calibration (une estimation diagonale de Fisher) : les entrées qui comptent le plus pour le modèle. Une passe arrière par séquence.</translation>
        </message>
        <message>
            <source>A baseline of the paper: the entries with the largest |weight|, no text needed. The paper found it trains worse than the gradient's choice.</source>
            <translation>Une référence de l'article : les entrées de plus grand |poids|, sans texte. L'article a constaté qu'elle s'entraîne moins bien que le choix par le gradient.</translation>
        </message>
        <message>
            <source>A baseline of the paper: as many entries drawn at random (seeded), no text needed. Shows what the choice of entries is worth.</source>
            <translation>Une référence de l'article : autant d'entrées tirées au hasard (avec graine), sans texte. Montre ce que vaut le choix des entrées.</translation>
        </message>
        <message>
            <source>Calibration sequences</source>
            <translation>Séquences de calibration</translation>
        </message>
        <message>
            <source>How many windows of text the squared gradients are summed over, one backward pass each. More gives a steadier choice and takes longer.</source>
            <translation>Sur combien de fenêtres de texte les gradients au carré sont sommés, une passe arrière chacune. Davantage donne un choix plus stable et prend plus de temps.</translation>
        </message>
        <message>
            <source>Window length</source>
            <translation>Longueur de fenêtre</translation>
        </message>
        <message>
            <source>Tokens per calibration window.</source>
            <translation>Jetons par fenêtre de calibration.</translation>
        </message>
        <message>
            <source>Calibration text</source>
            <translation>Texte de calibration</translation>
        </message>
        <message>
            <source>Plain-text files cut into windows, spread evenly over each file. Generic text suits any later task: the mask is chosen once and reused.</source>
            <translation>Des fichiers texte découpés en fenêtres, réparties uniformément dans chaque fichier. Un texte générique convient à toute tâche ultérieure : le masque est choisi une fois et réutilisé.</translation>
        </message>
        <message>
            <source>Choose .txt files…</source>
            <translation>Choisir des fichiers .txt…</translation>
        </message>
        <message>
            <source>Default text</source>
            <translation>Texte par défaut</translation>
        </message>
        <message>
            <source>Save as</source>
            <translation>Enregistrer sous</translation>
        </message>
        <message>
            <source>The mask file (.qtsparse). Its folder is created if needed.</source>
            <translation>Le fichier de masque (.qtsparse). Son dossier est créé si besoin.</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>Parcourir…</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskHeatMap</name>
        <message>
            <source>Output head</source>
            <translation>Tête de sortie</translation>
        </message>
        <message>
            <source>Layer %1, %2</source>
            <translation>Couche %1, %2</translation>
        </message>
        <message>
            <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 entries of %3 weights: %4%</source>
            <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 entrées sur %3 poids : %4 %</translation>
        </message>
        <message>
            <source>Where the mask's entries sit</source>
            <translation>Où se trouvent les entrées du masque</translation>
        </message>
        <message>
            <source>linear layer</source>
            <translation>couche linéaire</translation>
        </message>
        <message>
            <source>layer</source>
            <translation>couche</translation>
        </message>
        <message>
            <source>share of the matrix in the mask (%)</source>
            <translation>part de la matrice dans le masque (%)</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::SparseMaskPanel</name>
        <message>
            <source>Load a sensitive-entry mask</source>
            <translation>Charger un masque des entrées sensibles</translation>
        </message>
        <message>
            <source>Sparse masks (*.qtsparse);;All files (*)</source>
            <translation>Masques creux (*.qtsparse);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1 : %2</translation>
        </message>
        <message>
            <source>%1 sensitive entries: %2% of the %3 weights of the linear layers. Criterion: %4; chosen over %5.</source>
            <translation>%1 entrées sensibles : %2 % des %3 poids des couches linéaires. Critère : %4 ; choisies parmi %5.</translation>
        </message>
        <message>
            <source>These entries carry %1% of the squared gradient summed over %2 calibration sequences.</source>
            <translation>Ces entrées portent %1 % du gradient au carré sommé sur %2 séquences de calibration.</translation>
        </message>
        <message>
            <source>These entries carry %1% of the squared gradient.</source>
            <translation>Ces entrées portent %1 % du gradient au carré.</translation>
        </message>
        <message>
            <source>The file also holds trained values, which a run starts from.</source>
            <translation>Le fichier contient aussi des valeurs entraînées, dont un entraînement part.</translation>
        </message>
        <message>
            <source>Not in the map (no linear layer of a block, nor the head): %1.</source>
            <translation>Absent de la carte (ni couche linéaire d'un bloc, ni la tête) : %1.</translation>
        </message>
        <message>
            <source>Open a model first: a mask belongs to one model.</source>
            <translation>Ouvrez d'abord un modèle : un masque appartient à un seul modèle.</translation>
        </message>
        <message>
            <source>Read a .qtsparse file and check that it was made for the open model.</source>
            <translation>Lire un fichier .qtsparse et vérifier qu'il a été fait pour le modèle ouvert.</translation>
        </message>
        <message>
            <source>Choose the sensitive entries of the open model now (on the engine's thread; the window stays usable).</source>
            <translation>Choisir maintenant les entrées sensibles du modèle ouvert (dans le fil du moteur ; la fenêtre reste utilisable).</translation>
        </message>
        <message>
            <source>starting…</source>
            <translation>démarrage…</translation>
        </message>
        <message>
            <source>pass %1 of %2: sequence %3 of %4</source>
            <translation>passe %1 sur %2 : séquence %3 sur %4</translation>
        </message>
        <message>
            <source>matrix %1 of %2</source>
            <translation>matrice %1 sur %2</translation>
        </message>
        <message>
            <source>No mask yet: load a .qtsparse file or compute one for the open model. Sparse ZO trains only the entries the mask names.</source>
            <translation>Pas encore de masque : chargez un fichier .qtsparse ou calculez-en un pour le modèle ouvert. Sparse ZO n'entraîne que les entrées que le masque désigne.</translation>
        </message>
        <message>
            <source>Not yet checked against a model: it will be once a model is open.</source>
            <translation>Pas encore vérifié par rapport à un modèle : il le sera dès qu'un modèle sera ouvert.</translation>
        </message>
        <message>
            <source>Computing the mask…</source>
            <translation>Calcul du masque…</translation>
        </message>
        <message>
            <source>Checking %1 against the open model…</source>
            <translation>Vérification de %1 par rapport au modèle ouvert…</translation>
        </message>
        <message>
            <source>✔ The mask fits the open model.</source>
            <translation>✔ Le masque correspond au modèle ouvert.</translation>
        </message>
        <message>
            <source>Computing the mask was cancelled: no file was written.</source>
            <translation>Le calcul du masque a été annulé : aucun fichier n'a été écrit.</translation>
        </message>
        <message>
            <source>✘ %1</source>
            <translation>✘ %1</translation>
        </message>
        <message>
            <source>No mask in use.</source>
            <translation>Aucun masque utilisé.</translation>
        </message>
        <message>
            <source>The mask in use is still %1.</source>
            <translation>Le masque utilisé reste %1.</translation>
        </message>
        <message>
            <source>Sensitive-entry mask</source>
            <translation>Masque des entrées sensibles</translation>
        </message>
        <message>
            <source>no mask file</source>
            <translation>aucun fichier de masque</translation>
        </message>
        <message>
            <source>Load…</source>
            <translation>Charger…</translation>
        </message>
        <message>
            <source>Compute…</source>
            <translation>Calculer…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <source>Stop the computation after the current sequence; no file is written.</source>
            <translation>Arrêter le calcul après la séquence en cours ; aucun fichier n'est écrit.</translation>
        </message>
        <message>
            <source>Sparse ZO trains a float32 value at each entry of the linear layers that this mask names, about 0.1% of them: those the loss on generic text is most sensitive to. The mask is chosen once per model and reused for every task.</source>
            <translation>Sparse ZO entraîne une valeur float32 en chaque entrée des couches linéaires que ce masque désigne, environ 0,1 % d'entre elles : celles auxquelles la perte sur un texte générique est la plus sensible. Le masque est choisi une fois par modèle et réutilisé pour chaque tâche.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::TrainingPanel</name>
        <message>
            <source>step %v of %m</source>
            <translation>pas %v sur %m</translation>
        </message>
        <message>
            <source>elapsed %1, about %2 left</source>
            <translation>écoulé %1, environ %2 restant</translation>
        </message>
        <message>
            <source>Train with the settings of the Method page.</source>
            <translation>Entraîner avec les réglages de la page Méthode.</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>Reprendre</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>Pause</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>Démarrer</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Arrêter</translation>
        </message>
        <message>
            <source>Pause after the current step; Resume continues exactly where it stopped.</source>
            <translation>Mettre en pause après le pas actuel ; Reprendre continue exactement là où il s'est arrêté.</translation>
        </message>
        <message>
            <source>End the run after the current step. The model keeps what it has learned.</source>
            <translation>Terminer l'entraînement après le pas actuel. Le modèle garde ce qu'il a appris.</translation>
        </message>
    </context>
    <context>
        <name>qt::ui::TrainingPlots</name>
        <message>
            <source>Export plots as PNG</source>
            <translation>Exporter les graphiques en PNG</translation>
        </message>
        <message>
            <source>PNG images (*.png)</source>
            <translation>Images PNG (*.png)</translation>
        </message>
        <message>
            <source>Export failed</source>
            <translation>Échec de l'export</translation>
        </message>
        <message>
            <source>Could not write %1.</source>
            <translation>Impossible d'écrire %1.</translation>
        </message>
        <message>
            <source>Export metrics as CSV</source>
            <translation>Exporter les mesures en CSV</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>Fichiers CSV (*.csv)</translation>
        </message>
        <message>
            <source>Loss (lower is better)</source>
            <translation>Perte (plus bas, c'est mieux)</translation>
        </message>
        <message>
            <source>Directional derivative and clipping</source>
            <translation>Dérivée directionnelle et écrêtage</translation>
        </message>
        <message>
            <source>Learning rate</source>
            <translation>Taux d'apprentissage</translation>
        </message>
        <message>
            <source>Throughput</source>
            <translation>Débit</translation>
        </message>
        <message>
            <source>training (this step's examples)</source>
            <translation>entraînement (exemples de ce pas)</translation>
        </message>
        <message>
            <source>held-out</source>
            <translation>mis de côté</translation>
        </message>
        <message>
            <source>raw d</source>
            <translation>d brut</translation>
        </message>
        <message>
            <source>clipped d'</source>
            <translation>d' écrêté</translation>
        </message>
        <message>
            <source>clip rate (right axis)</source>
            <translation>taux d'écrêtage (axe de droite)</translation>
        </message>
        <message>
            <source>learning rate</source>
            <translation>taux d'apprentissage</translation>
        </message>
        <message>
            <source>tokens per second</source>
            <translation>jetons par seconde</translation>
        </message>
        <message>
            <source>step</source>
            <translation>pas</translation>
        </message>
        <message>
            <source>clip rate</source>
            <translation>taux d'écrêtage</translation>
        </message>
        <message>
            <source>Fit</source>
            <translation>Ajuster</translation>
        </message>
        <message>
            <source>Show all points again after zooming or panning.</source>
            <translation>Réafficher tous les points après un zoom ou un déplacement.</translation>
        </message>
        <message>
            <source>Export PNG…</source>
            <translation>Exporter en PNG…</translation>
        </message>
        <message>
            <source>Export CSV…</source>
            <translation>Exporter en CSV…</translation>
        </message>
        <message>
            <source>Gradient norm and clipping</source>
            <translation>Norme du gradient et écrêtage</translation>
        </message>
        <message>
            <source>gradient norm (before clipping)</source>
            <translation>norme du gradient (avant écrêtage)</translation>
        </message>
        <message>
            <source>clipped steps</source>
            <translation>pas écrêtés</translation>
        </message>
        <message>
            <source>global gradient norm</source>
            <translation>norme globale du gradient</translation>
        </message>
        <message>
            <source>rollback</source>
            <translation>retour arrière</translation>
        </message>
        <message>
            <source>Step %1 rolled back: %2</source>
            <translation>Étape %1 annulée : %2</translation>
        </message>
        <message>
            <source>rollback (divergence guard)</source>
            <translation>retour arrière (garde-fou de divergence)</translation>
        </message>
    </context>
    <context>
        <name>MethodReach</name>
        <message>
            <source>nothing: the model has no trainable linears</source>
            <translation>rien : le modèle n'a pas de couches linéaires entraînables</translation>
        </message>
        <message>
            <source>nothing: its linears are %1, which have no block scale (only block-quantized types such as Q8_0, Q4_1 or Q4_K do)</source>
            <translation>rien : ses couches linéaires sont en %1, types sans échelle de bloc (seuls les types quantifiés par blocs comme Q8_0, Q4_1 ou Q4_K en ont)</translation>
        </message>
        <message numerus="yes">
            <source>block scales of %n linears (types %1)</source>
            <translation>
                <numerusform>échelles de bloc de %n couche linéaire (types %1)</numerusform>
                <numerusform>échelles de bloc de %n couches linéaires (types %1)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>; %n linears stay frozen (%1: no block scale)</source>
            <translation>
                <numerusform> ; %n couche linéaire reste figée (%1 : pas d'échelle de bloc)</numerusform>
                <numerusform> ; %n couches linéaires restent figées (%1 : pas d'échelle de bloc)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>every linear: %n linears, %1 M weights (types %2)</source>
            <translation>
                <numerusform>toutes les couches linéaires : %n couche, %1 M de poids (types %2)</numerusform>
                <numerusform>toutes les couches linéaires : %n couches, %1 M de poids (types %2)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>a float32 value at each masked entry of the %n linears (types %1); a sensitivity mask chooses the entries</source>
            <translation>
                <numerusform>une valeur float32 à chaque entrée masquée de %n couche linéaire (types %1) ; un masque de sensibilité choisit les entrées</numerusform>
                <numerusform>une valeur float32 à chaque entrée masquée des %n couches linéaires (types %1) ; un masque de sensibilité choisit les entrées</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>low-rank adapters beside the chosen ones of the %n linears (types %1), which stay frozen</source>
            <translation>
                <numerusform>adaptateurs de rang faible à côté de %n couche linéaire choisie (types %1), qui reste figée</numerusform>
                <numerusform>adaptateurs de rang faible à côté de celles choisies parmi les %n couches linéaires (types %1), qui restent figées</numerusform>
            </translation>
        </message>
        <message>
            <source>%1, from the backward pass</source>
            <translation>%1, par la passe arrière</translation>
        </message>
        <message>
            <source>%1, from two forward passes a step</source>
            <translation>%1, à partir de deux passes avant par pas</translation>
        </message>
        <message>
            <source>%1, %2 layers, width %3, %4 heads (%5 KV), head %6</source>
            <translation>%1, %2 couches, largeur %3, %4 têtes (%5 KV), dimension de tête %6</translation>
        </message>
        <message>
            <source>; %1</source>
            <translation> ; %1</translation>
        </message>
    </context>
</TS>
