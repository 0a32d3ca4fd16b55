-- Each WooCommerce webhook is signed with a secret of its own topic.
--
-- WooCommerce signs a delivery's body with its webhook's secret, not its X-WC-Webhook-Topic
-- header. Every webhook of a store had the store's one secret, so a captured delivery verified
-- under any topic: a product's `{"id":5}` deletion re-sent as `customer.deleted` tombstoned
-- customer 5 (customers and posts are numbered apart, so such ids meet). The server now gives
-- each topic's webhook a secret derived from the store's and the topic, and checks a delivery
-- against its topic's. Stores whose webhooks were registered before keep being checked against
-- the store's secret too, until their webhooks are registered again (their next sync does);
-- stores added from now on never are.
alter table stores add column webhook_topic_secrets boolean not null default false;
alter table stores alter column webhook_topic_secrets set default true;
