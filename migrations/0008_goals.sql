CREATE TABLE `goals` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`delta` text NOT NULL,
	`seconds` integer NOT NULL,
	`custom_title` text,
	`languages` text DEFAULT '[]' NOT NULL,
	`projects` text DEFAULT '[]' NOT NULL,
	`editors` text DEFAULT '[]' NOT NULL,
	`ignore_days` text DEFAULT '[]' NOT NULL,
	`ignore_zero_days` integer DEFAULT false NOT NULL,
	`is_inverse` integer DEFAULT false NOT NULL,
	`is_enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `goals_user` ON `goals` (`user_id`,`created_at`);