export { ntXentLoss, type NTXentOptions } from './ntxent';
export { infoNCELoss, type InfoNCEOptions } from './infonce';
export { negativeCosineSimilarity } from './negative-cosine';
export { stopGradient } from './stop-gradient';
export { barlowTwinsLoss, type BarlowTwinsOptions } from './barlow-twins';
export { vicregLoss, type VICRegOptions } from './vicreg';
export { maskedCrossEntropy, IGNORE_INDEX } from './masked-cross-entropy';
export { dinoLoss, type DinoLossOptions } from './dino';
export { nnclrLoss, type NNCLRLossOptions } from './nnclr';
