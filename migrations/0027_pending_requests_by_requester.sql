-- A person may have at most 1000 inventory requests waiting (the server counts them at each new
-- one): the count reads this index, not the organization's whole history of requests.
create index inventory_requests_pending_by_requester on inventory_requests (org_id, requested_by) where status = 'pending';
