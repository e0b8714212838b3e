-- Stripe keys and the webhook signing secret never survive a database copy;
-- the backends go back to "Not connected" so no job reaches the live account.
UPDATE stripe_backend
   SET api_key = NULL,
       webhook_secret = NULL,
       state = 'draft',
       environment = 'sandbox';
