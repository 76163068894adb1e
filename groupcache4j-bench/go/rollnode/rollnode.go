// rollnode: a golang/groupcache node for the restart and scaling scenarios of groupcache4j-bench
// (RollBench, roll.sh): the library's HTTPPool with its defaults, a getter that loads each key from
// an HTTP origin (the benchmark's, which counts loads per key), and the peer list read from a file
// that the benchmark rewrites, as a deployment that follows its peers would (the anchor's node.go
// takes a fixed -peers list and makes values itself, so neither a scale-up nor the origin's count
// is possible with it).
//
// On SIGTERM it stops as a Go service usually does: http.Server.Shutdown (stop accepting, close
// idle connections, finish the requests in flight), at most 10 s. golang/groupcache itself has
// nothing to hand over.
//
// Build (offline, GOPATH mode, Debian's golang-github-golang-groupcache-dev):
//
//	GO111MODULE=off GOPROXY=off GOPATH=/usr/share/gocode go build -o rollnode rollnode.go
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/golang/groupcache"
)

func main() {
	addr := flag.String("addr", "", "own peer base URL, as the peers file spells it")
	peersFile := flag.String("peers-file", "", "file with one peer URL a line (# starts a comment), read again every 200 ms")
	api := flag.String("api", "", "client API address, host:port: GET /api?key=K, GET /healthz, GET /stats (peer requests by method)")
	origin := flag.String("origin", "", "origin URL prefix; a load GETs prefix + path-escaped key")
	cacheBytes := flag.Int64("cache", 64<<20, "group cache size in bytes (main + hot)")
	flag.Parse()
	if *addr == "" || *peersFile == "" || *api == "" || *origin == "" {
		log.Fatal("-addr, -peers-file, -api and -origin are required")
	}
	u, err := url.Parse(*addr)
	if err != nil || u.Host == "" {
		log.Fatalf("bad -addr %q", *addr)
	}

	pool := groupcache.NewHTTPPoolOpts(*addr, nil)
	peers := readPeers(*peersFile)
	pool.Set(peers...)
	go followPeers(pool, *peersFile, peers)

	originClient := &http.Client{Timeout: 5 * time.Second}
	group := groupcache.NewGroup("scores", *cacheBytes, groupcache.GetterFunc(
		func(ctx context.Context, key string, dest groupcache.Sink) error {
			resp, err := originClient.Get(*origin + url.PathEscape(key))
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("origin answered %d for %q", resp.StatusCode, key)
			}
			return dest.SetBytes(body)
		}))

	// The peer requests it was sent, by method: a groupcache4j node sends it GETs only (fetches and
	// probes), never its writes or a handoff (GET /stats on the client API shows them).
	var peerRequests sync.Map
	peerMux := http.NewServeMux()
	peerMux.Handle("/_groupcache/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := peerRequests.LoadOrStore(r.Method, new(int64))
		atomic.AddInt64(n.(*int64), 1)
		pool.ServeHTTP(w, r)
	}))
	apiMux := http.NewServeMux()
	apiMux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("key")
		if key == "" {
			http.Error(w, "missing key", http.StatusBadRequest)
			return
		}
		var b []byte
		if err := group.Get(r.Context(), key, groupcache.AllocatingByteSliceSink(&b)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(b)
	})
	apiMux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		counts := map[string]int64{}
		peerRequests.Range(func(k, v any) bool {
			counts[k.(string)] = atomic.LoadInt64(v.(*int64))
			return true
		})
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"peerRequests": counts})
	})
	apiMux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok") // golang/groupcache has no readiness: a node that listens serves
	})

	servers := []*http.Server{
		{Handler: peerMux, ReadHeaderTimeout: 10 * time.Second},
		{Handler: apiMux, ReadHeaderTimeout: 10 * time.Second},
	}
	var wg sync.WaitGroup
	for i, a := range []string{u.Host, *api} {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			log.Fatalf("listen %s: %v", a, err)
		}
		wg.Add(1)
		go func(s *http.Server, ln net.Listener) {
			defer wg.Done()
			if err := s.Serve(ln); err != http.ErrServerClosed {
				log.Fatal(err)
			}
		}(servers[i], ln)
	}
	log.Printf("node %s api %s peers %v origin %s", *addr, *api, peers, *origin)

	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	<-term
	log.Printf("node %s: SIGTERM, shutting down", *addr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		go s.Shutdown(ctx)
	}
	wg.Wait()
	log.Printf("node %s stopped", *addr)
}

func readPeers(file string) []string {
	b, err := os.ReadFile(file)
	if err != nil {
		log.Printf("peers file %s: %v", file, err)
		return nil
	}
	var peers []string
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			peers = append(peers, line)
		}
	}
	return peers
}

func followPeers(pool *groupcache.HTTPPool, file string, current []string) {
	for range time.Tick(200 * time.Millisecond) {
		next := readPeers(file)
		if next != nil && !reflect.DeepEqual(next, current) {
			pool.Set(next...)
			log.Printf("peers now %v", next)
			current = next
		}
	}
}
