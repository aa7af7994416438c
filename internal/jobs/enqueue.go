package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Batch is a month's jobs once enqueued.
type Batch struct {
	Collect []int64 // one per MRT file, in file order
	Month   int64
}

// Enqueue inserts one collect job per file and then the month job that
// waits for them, in one transaction: workers see the whole batch or none
// of it.
func Enqueue(ctx context.Context, client *river.Client[pgx.Tx], tx pgx.Tx, collect []CollectArgs, month MonthArgs) (Batch, error) {
	var b Batch
	if len(collect) > 0 {
		params := make([]river.InsertManyParams, len(collect))
		for i, a := range collect {
			params[i] = river.InsertManyParams{Args: a}
		}
		res, err := client.InsertManyTx(ctx, tx, params)
		if err != nil {
			return b, fmt.Errorf("enqueue %d collect jobs: %w", len(collect), err)
		}
		for _, r := range res {
			b.Collect = append(b.Collect, r.Job.ID)
		}
	}
	month.Collect = b.Collect
	res, err := client.InsertTx(ctx, tx, month, nil)
	if err != nil {
		return b, fmt.Errorf("enqueue the month job of %s: %w", month.Month, err)
	}
	b.Month = res.Job.ID
	return b, nil
}

// Status is where a batch stands.
type Status struct {
	Collected, Files int
	Month            rivertype.JobState
	// Err is the month job's last error (or that of a collect job which
	// failed for good), when it failed.
	Err string
	// Output is what the month job recorded when completed.
	Output *MonthOutput
}

// Done reports whether the batch will change no more.
func (s Status) Done() bool {
	switch s.Month {
	case rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded:
		return true
	}
	return false
}

// Poll reads a batch's status.
func Poll(ctx context.Context, client *river.Client[pgx.Tx], b Batch) (Status, error) {
	s := Status{Files: len(b.Collect)}
	for _, id := range b.Collect {
		j, err := client.JobGet(ctx, id)
		if err != nil {
			return s, fmt.Errorf("collect job %d: %w", id, err)
		}
		if j.State == rivertype.JobStateCompleted {
			s.Collected++
		}
	}
	j, err := client.JobGet(ctx, b.Month)
	if err != nil {
		return s, fmt.Errorf("month job %d: %w", b.Month, err)
	}
	s.Month = j.State
	switch j.State {
	case rivertype.JobStateCompleted:
		if out := j.Output(); len(out) > 0 {
			s.Output = &MonthOutput{}
			if err := json.Unmarshal(out, s.Output); err != nil {
				return s, fmt.Errorf("month job %d output: %w", b.Month, err)
			}
		}
	case rivertype.JobStateCancelled, rivertype.JobStateDiscarded:
		s.Err = lastError(j)
	}
	return s, nil
}

// Wait polls a batch every interval until it is done, calling progress
// with the first status and each that tells something new.
func Wait(ctx context.Context, client *river.Client[pgx.Tx], b Batch, interval time.Duration, progress func(Status)) (Status, error) {
	var last Status
	for first := true; ; first = false {
		s, err := Poll(ctx, client, b)
		if err != nil {
			return s, err
		}
		// A month job waiting for its collect jobs runs and snoozes in
		// turn: its state is told once they are all collected.
		if first || s.Collected != last.Collected || s.Collected == s.Files && s.Month != last.Month {
			progress(s)
		}
		last = s
		if s.Done() {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(interval):
		}
	}
}
