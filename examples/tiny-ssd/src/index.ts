/**
 * The tiny SSD shared by examples/node-train and examples/browser-train: a synthetic shapes data set, a
 * small convolutional detector with an SSD head on two feature maps, and its training on @lossgraph/tfjs.
 */
export { IMAGE_SIZE, NUM_CLASSES, SHAPES, TINY_SSD, type ShapeName } from './config.js';
export { shapesDataset, toBatch, type ShapesBatch, type ShapesImage } from './dataset.js';
export { createTinySsd, type TinySsd } from './model.js';
export { createTrainer, type LossFeeds, type StepLoss, type Trainer, type TrainerOptions } from './train.js';
export { agreement, type Agreement } from './agreement.js';
