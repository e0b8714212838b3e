-- Copied databases must not talk to the production Zendesk account.
UPDATE zendesk_backend
   SET api_token = NULL,
       oauth_token = NULL,
       webhook_secret = NULL,
       state = 'draft';
