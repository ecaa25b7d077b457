// Command pgcheck exits 0 when the PostgreSQL at the URL in its argument
// answers, so that `make test` can say loudly when it cannot test there.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pgcheck POSTGRES_URL")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := db.Open(ctx, os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgcheck:", err)
		os.Exit(1)
	}
	_ = d.Close()
}
