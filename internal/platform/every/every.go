// Package every runs a background job at an interval until its context
// ends: the loop the sequencer, the webhook dispatcher, the mailer, the
// match announcer and the counter pruning all share.
package every

import (
	"context"
	"log/slog"
	"time"
)

// Run calls job every interval until ctx ends, logging a failure as
// "what" and carrying on: the next tick tries again.
func Run(ctx context.Context, interval time.Duration, log *slog.Logger, what string, job func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := job(ctx); err != nil && ctx.Err() == nil {
				log.Error(what, "err", err.Error())
			}
		}
	}
}

// Drain calls step until it reports nothing done or fails.
func Drain(ctx context.Context, step func(context.Context) (int, error)) error {
	for {
		n, err := step(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}
