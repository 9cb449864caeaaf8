import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement } from 'chart.js';
import type { PageStep } from './state.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend);

/** A live loss curve: one line per loss term and their sum, a point per training step. */
export class LossChart {
  private readonly chart: Chart<'line', number[], number>;
  private readonly lines: { total: number[]; conf: number[]; loc: number[] };

  constructor(canvas: HTMLCanvasElement) {
    this.lines = { total: [], conf: [], loc: [] };
    const line = (label: string, color: string, data: number[]) => ({
      label,
      data,
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
          line('loss_l + loss_c', '#3b5bdb', this.lines.total),
          line('loss_c (confidence)', '#e8590c', this.lines.conf),
          line('loss_l (localisation)', '#2b8a3e', this.lines.loc),
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

  add(s: PageStep): void {
    this.chart.data.labels?.push(s.step);
    this.lines.total.push(s.total);
    this.lines.conf.push(s.loss_c);
    this.lines.loc.push(s.loss_l);
    this.chart.update();
  }
}
