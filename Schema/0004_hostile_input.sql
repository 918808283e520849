-- Migration 0004: incomplete listings (issue 7). A describe-instances listing whose every page
-- carries a NextToken is incomplete: it adds instances without retiring the others.

ALTER TABLE ec2_snapshots ADD COLUMN is_complete INTEGER NOT NULL DEFAULT 1; -- 1 when some page of the listing had no NextToken (the listing is whole, and instances it does not name were retired); 0 for an incomplete listing, which retired nothing.
