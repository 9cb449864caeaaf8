import { IMAGE_SIZE, SHAPES, type ShapesImage } from '@lossgraph-examples/tiny-ssd';

const SCALE = 3;

/** Draws each image (grayscale, scaled up) with its truth boxes and labels into its own canvas. */
export function drawSamples(container: HTMLElement, images: readonly ShapesImage[]): void {
  container.replaceChildren(
    ...images.map((image) => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = IMAGE_SIZE * SCALE;
      const ctx = canvas.getContext('2d')!;
      const pixels = ctx.createImageData(IMAGE_SIZE, IMAGE_SIZE);
      image.pixels.forEach((v, i) => {
        pixels.data.fill(Math.round(255 * v), 4 * i, 4 * i + 3);
        pixels.data[4 * i + 3] = 255;
      });
      const small = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
      small.getContext('2d')!.putImageData(pixels, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
      ctx.strokeStyle = ctx.fillStyle = '#4dabf7';
      ctx.font = '10px system-ui';
      for (const [x0, y0, x1, y1, label] of image.truths) {
        const s = IMAGE_SIZE * SCALE;
        ctx.strokeRect(x0 * s, y0 * s, (x1 - x0) * s, (y1 - y0) * s);
        ctx.fillText(SHAPES[label]!, x0 * s + 2, Math.max(10, y0 * s - 2));
      }
      return canvas;
    }),
  );
}
