CREATE INDEX `heartbeats_ip_user` ON `heartbeats` (`ip_address`,`user_id`);--> statement-breakpoint
CREATE INDEX `heartbeats_machine_user` ON `heartbeats` (`machine`,`user_id`);--> statement-breakpoint
CREATE INDEX `users_trust_level` ON `users` (`trust_level`);