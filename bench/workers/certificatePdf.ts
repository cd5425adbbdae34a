import { parentPort, workerData } from 'node:worker_threads';
import { makeCertificates, renderEach } from '../scenarios/certificatePdf';

/** One thread of the PDF pool: renders its share of certificates and answers how long it took. */
const { count, offset } = workerData as { count: number; offset: number };
void renderEach(makeCertificates(count, offset), 'certificate').then((ms) => parentPort!.postMessage(ms));
