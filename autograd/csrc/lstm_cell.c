/* An LSTM layer's gate math, one time step a call, for nn/functional/lstm_layer.py.

   Compiled by autograd/cpu_kernels.py with -DREAL=float or -DREAL=double. The Python loop
   runs each step's matrix product (BLAS), then one of these calls, which does in one pass
   over the step's numbers what takes seven NumPy calls (forward) or six (backward), and the
   forward also leaves the factors of the gradient behind (lstm_step._grad_factors' math),
   so the backward needs no pass of its own to make them.

   Layouts (all contiguous, made by lstm_layer.py; D directions, N samples, H units):
     z    (L, 4, D, N, H)    a step's pre-activations -a_i, -a_f, -a_o, a_g (the held order);
                             the forward leaves g i', c f', i g', A = o (1 - t^2) there
     e    (L + 1, 3, D, N, H) e[k, 1] is the cell that step k reads (e[0, 1] = c0); the
                             forward writes f into e[k, 0] and t o' into e[k, 2]
     rows (D, L + 1, N, W)   step k writes its h into rows[d, k + 1, n, :H]
     d    (D, L, N, 4H)      the pre-activations' gradient, PyTorch's gate order i, f, g, o
     dropped (L, D, N)       Keras' masking, or none: 1 where step k of direction d is
                             padding for sample n, which keeps its h and c there
   where t = tanh(c') and y' is a gate's slope: y (1 - y) for a sigmoid, 1 - y^2 for tanh. */
#include <math.h>
#include <stdint.h>

#if REAL_IS_DOUBLE
#define EXP exp
#define TANH tanh
#else
#define EXP expf
#define TANH tanhf
#endif

#define VECTOR_MATH 0
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__GNUC__) && !defined(__clang__)
#if __GLIBC_PREREQ(2, 35)  /* (a macro of glibc's only: nested, not in one condition) */
/* glibc's vector math (libmvec) has these: GCC then runs the loops below 8 or 16 numbers
   at a time (it asks for them under -ffast-math only, which would also drop the
   infinities that a closed gate's e^-a = inf relies on). */
float expf(float) __attribute__((simd("notinbranch")));
float tanhf(float) __attribute__((simd("notinbranch")));
double exp(double) __attribute__((simd("notinbranch")));
double tanh(double) __attribute__((simd("notinbranch")));
#undef VECTOR_MATH
#define VECTOR_MATH 1
#endif
#endif

/* 1 where the loops take the vector math above. Without it they call exp and tanh one
   number at a time, slower than NumPy's own vector loops: autograd/cpu_kernels.py then
   keeps the array code. */
int lstm_vector_math(void) { return VECTOR_MATH; }

typedef REAL real;

/* One row of H units: z's four gate rows `gate` apart, e's three rows `gate` apart. */
static void forward_row(real *restrict z, real *restrict e, int64_t gate,
                        real *restrict cell, real *restrict h, int64_t H) {
    real *z_f = z + gate, *z_o = z_f + gate, *z_g = z_o + gate;
    real *e_c = e + gate, *e_t = e_c + gate;
#pragma omp simd
    for (int64_t j = 0; j < H; j++) {
        real i = 1 / (1 + EXP(z[j])), f = 1 / (1 + EXP(z_f[j]));
        real o = 1 / (1 + EXP(z_o[j])), g = TANH(z_g[j]);
        real c = e_c[j];
        real c_new = g * i + c * f;
        real t = TANH(c_new);
        cell[j] = c_new;
        h[j] = t * o;
        z[j] = g * i * (1 - i);
        z_f[j] = c * f * (1 - f);
        z_o[j] = i * (1 - g * g);
        z_g[j] = o * (1 - t * t);
        e_t[j] = t * o * (1 - o);
        e[j] = f;
    }
}

/* A padding step's row: h and c as they were, and factors that pass the cell's gradient
   as it is (f = 1) and give the gates none. */
static void padding_row(real *restrict z, real *restrict e, int64_t gate,
                        real *restrict cell, real *restrict h, const real *restrict h_read,
                        int64_t H) {
    for (int64_t j = 0; j < H; j++) {
        cell[j] = e[gate + j];
        h[j] = h_read[j];
        z[j] = z[gate + j] = z[2 * gate + j] = z[3 * gate + j] = e[2 * gate + j] = 0;
        e[j] = 1;
    }
}

/* desc: z, e, rows, dropped (addresses; dropped 0 for none), D, N, H, W, L. */
void lstm_forward_step(const int64_t *desc, int64_t k) {
    real *z = (real *)desc[0], *e = (real *)desc[1], *rows = (real *)desc[2];
    const uint8_t *dropped = (const uint8_t *)desc[3];
    int64_t D = desc[4], N = desc[5], H = desc[6], W = desc[7], L = desc[8];
    int64_t gate = D * N * H;
    real *z_k = z + k * 4 * gate, *e_k = e + k * 3 * gate, *cells = e_k + 4 * gate;
    for (int64_t d = 0; d < D; d++)
        for (int64_t n = 0; n < N; n++) {
            int64_t at = (d * N + n) * H;
            real *h_read = rows + ((d * (L + 1) + k) * N + n) * W, *h = h_read + N * W;
            if (dropped && dropped[(k * D + d) * N + n])
                padding_row(z_k + at, e_k + at, gate, cells + at, h, h_read, H);
            else
                forward_row(z_k + at, e_k + at, gate, cells + at, h, H);
        }
}

/* One row: s = g_h A + g_c with g_h = the gradient from later (g_later) plus the
   output's, kept in `carry`; the four pre-activations' gradients (s g i', s c f', s i g',
   g_h t o'); g_c <- s f. (g_later may be `carry` itself: each number is read before it is
   written, so they are not `restrict`.) */
static void backward_row(const real *restrict z, const real *restrict e, int64_t gate,
                         const real *g_later, const real *restrict g_out, real *carry,
                         real *restrict g_c, real *restrict d, int64_t H) {
    const real *b_f = z + gate, *b_g = b_f + gate, *a = b_g + gate, *b_h = e + 2 * gate;
    real *d_f = d + H, *d_g = d_f + H, *d_o = d_g + H;
#pragma omp simd
    for (int64_t j = 0; j < H; j++) {
        real gh = g_later[j] + g_out[j];
        real s = gh * a[j] + g_c[j];
        carry[j] = gh;
        d[j] = s * z[j];
        d_f[j] = s * b_f[j];
        d_g[j] = s * b_g[j];
        d_o[j] = gh * b_h[j];
        g_c[j] = s * e[j];
    }
}

/* desc: z, e, d, g_h, g_c, carry (the last three (D, N, H)), dropped (0 for none), g_out
   (addresses: g_out at step 0), g_out's strides in numbers along steps, directions and
   samples (its units contiguous), D, N, H, L. g_h holds the gradient of step k's h from
   step k + 1's rows (h_n's at k = L - 1); a sample padded at step k + 1 takes the
   gradient that step's h had (carry) instead: its h passed on unchanged. */
void lstm_backward_step(const int64_t *desc, int64_t k) {
    const real *z = (const real *)desc[0], *e = (const real *)desc[1];
    real *d = (real *)desc[2], *g_h = (real *)desc[3], *g_c = (real *)desc[4];
    real *carry = (real *)desc[5];
    const uint8_t *dropped = (const uint8_t *)desc[6];
    const real *g_out = (const real *)desc[7];
    int64_t step = desc[8], dir = desc[9], sample = desc[10];
    int64_t D = desc[11], N = desc[12], H = desc[13], L = desc[14];
    int64_t gate = D * N * H;
    const real *z_k = z + k * 4 * gate, *e_k = e + k * 3 * gate;
    for (int64_t dd = 0; dd < D; dd++)
        for (int64_t n = 0; n < N; n++) {
            int64_t at = (dd * N + n) * H;
            int carried = dropped && k + 1 < L && dropped[((k + 1) * D + dd) * N + n];
            backward_row(z_k + at, e_k + at, gate, (carried ? carry : g_h) + at,
                         g_out + k * step + dd * dir + n * sample, carry + at, g_c + at,
                         d + ((dd * L + k) * N + n) * 4 * H, H);
        }
}
