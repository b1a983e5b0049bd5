CREATE TABLE `lb_day_buckets` (
	`user_id` integer NOT NULL,
	`day` integer NOT NULL,
	`gap_sum` integer NOT NULL,
	`first_gap` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`user_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `lb_day_buckets_day` ON `lb_day_buckets` (`day`,`user_id`);--> statement-breakpoint
CREATE TABLE `lb_minute_buckets` (
	`user_id` integer NOT NULL,
	`minute` integer NOT NULL,
	`gap_sum` integer NOT NULL,
	`first_gap` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`user_id`, `minute`)
);
--> statement-breakpoint
CREATE INDEX `lb_minute_buckets_minute` ON `lb_minute_buckets` (`minute`,`user_id`);--> statement-breakpoint
CREATE TABLE `lb_streaks` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`timezone` text NOT NULL,
	`last_day` text,
	`length` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lb_streaks_timezone` ON `lb_streaks` (`timezone`,`user_id`);--> statement-breakpoint
DROP TABLE `user_active_days`;--> statement-breakpoint
CREATE INDEX `users_leaderboard_shadowbanned` ON `users` (`id`) WHERE leaderboard_shadowbanned = 1;--> statement-breakpoint
ALTER TABLE `leaderboards` DROP COLUMN `pages_total`;--> statement-breakpoint
ALTER TABLE `leaderboards` DROP COLUMN `pages_done`;