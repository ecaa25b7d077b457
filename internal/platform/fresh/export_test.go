package fresh

// Waiting is how many callers wait for the batch's next read.
func (b *Batch[K, V]) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiting)
}
