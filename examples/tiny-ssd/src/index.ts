/**
 * The tiny SSD shared by examples/node-train and examples/browser-train: a synthetic shapes data set, a
 * small convolutional detector with an SSD head on two feature maps, and its training on @lossgraph/tfjs.
 */

export { type Agreement, agreement } from './agreement.js';
export { IMAGE_SIZE, NUM_CLASSES, SHAPES, type ShapeName, TINY_SSD } from './config.js';
export { type ShapesBatch, type ShapesImage, shapesDataset, toBatch } from './dataset.js';
export { createTinySsd, type TinySsd } from './model.js';
export { createTrainer, type LossFeeds, type StepLoss, type Trainer, type TrainerOptions } from './train.js';
