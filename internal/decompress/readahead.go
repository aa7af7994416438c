package decompress

import (
	"io"
	"sync"
)

// readahead decompresses in its own goroutine, a few chunks ahead of the
// consumer, so that decompression and decoding run on two cores.
type readahead struct {
	full  chan chunk
	free  chan []byte
	cur   []byte // unread part of buf
	buf   []byte // the chunk being consumed
	err   error
	stop  chan struct{}
	once  sync.Once
	done  chan struct{}
	inner io.Reader
}

type chunk struct {
	b   []byte
	err error
}

const (
	chunkSize   = 1 << 20
	chunksAhead = 4
)

func newReadahead(r io.Reader) *readahead {
	ra := &readahead{
		full:  make(chan chunk, chunksAhead),
		free:  make(chan []byte, chunksAhead+1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		inner: r,
	}
	for range chunksAhead + 1 {
		ra.free <- make([]byte, chunkSize)
	}
	go ra.fill()
	return ra
}

// fill is the producer goroutine; it ends at the end of the input, on an
// error, or when Close is called.
func (ra *readahead) fill() {
	defer close(ra.done)
	defer close(ra.full)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.stop:
			return
		}
		n, err := fillChunk(ra.inner, buf)
		select {
		case ra.full <- chunk{b: buf[:n], err: err}:
		case <-ra.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read implements io.Reader.
func (ra *readahead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.err != nil {
			return 0, ra.err
		}
		c, ok := <-ra.full
		if !ok {
			return 0, io.EOF
		}
		ra.cur, ra.buf, ra.err = c.b, c.b, c.err
		if len(c.b) == 0 && c.err == nil {
			continue
		}
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	if len(ra.cur) == 0 {
		ra.recycle()
	}
	return n, nil
}

// recycle hands the drained chunk back to the producer.
func (ra *readahead) recycle() {
	select {
	case ra.free <- ra.buf[:chunkSize]:
	default:
	}
	ra.cur, ra.buf = nil, nil
}

// Close stops the producer and waits for it.
func (ra *readahead) Close() error {
	ra.once.Do(func() { close(ra.stop) })
	<-ra.done
	return nil
}

// fillChunk reads until buf is full or the reader fails, keeping the
// reader's own error (io.EOF at the clean end, anything else on damage).
func fillChunk(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
