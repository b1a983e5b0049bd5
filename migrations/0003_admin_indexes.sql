CREATE UNIQUE INDEX `admin_api_keys_active_name` ON `admin_api_keys` (`user_id`,`name`) WHERE revoked_at IS NULL;--> statement-breakpoint
CREATE INDEX `trust_level_audit_logs_changed_by` ON `trust_level_audit_logs` (`changed_by_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `users_admin_level` ON `users` (`admin_level`);