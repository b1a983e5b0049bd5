CREATE INDEX `deletion_requests_status_scheduled` ON `deletion_requests` (`status`,`scheduled_deletion_at`);--> statement-breakpoint
CREATE INDEX `deletion_requests_status_completed` ON `deletion_requests` (`status`,`completed_at`);--> statement-breakpoint
CREATE INDEX `leaderboard_entries_user` ON `leaderboard_entries` (`user_id`);