import { createServer } from 'node:http';
import { createWebhookReceiver, type LeadCapturedData } from '@chatspark/webhooks';

const leads: LeadCapturedData[] = []; // stands in for your CRM

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => {
    leads.push(event.data); // event.data: LeadCapturedData
  })
  .on('training.failed', (event) => {
    console.error(`training ${event.data.trainingId} failed: ${event.data.error}`); // trainingId: number
  });

createServer(receiver.nodeHandler()).listen(Number(process.env.PORT ?? 3000));
