import type { StepLoss } from '@lossgraph-examples/tiny-ssd';
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend);

/** A live loss curve: one line per loss term and their sum, a point per training step. */
export class LossChart {
  private readonly chart: Chart<'line', number[], number>;

  constructor(canvas: HTMLCanvasElement) {
    const line = (label: string, color: string) => ({
      label,
      data: [] as number[],
      borderColor: color,
      backgroundColor: color,
      pointRadius: 2,
      borderWidth: 2,
    });
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        labels: [],
        datasets: [
          line('loss_l + loss_c', '#3b5bdb'),
          line('loss_c (confidence)', '#e8590c'),
          line('loss_l (localisation)', '#2b8a3e'),
        ],
      },
      options: {
        animation: false,
        responsive: false,
        scales: {
          x: { title: { display: true, text: 'step' } },
          y: { beginAtZero: true, title: { display: true, text: 'loss' } },
        },
      },
    });
  }

  add(s: StepLoss): void {
    this.chart.data.labels!.push(s.step + 1);
    const [total, conf, loc] = this.chart.data.datasets;
    total!.data.push(s.total);
    conf!.data.push(s.loss_c);
    loc!.data.push(s.loss_l);
    this.chart.update();
  }
}
