"""RecurrentStep: the protocol every recurrent step Function follows (Elman, LSTM, GRU), so
that one `Recurrence` runs the time loop of them all."""
from autograd.function import Function


class RecurrentStep(Function):
    """One time step of a recurrent layer: (gx, gh, *direct) -> the new state.

    gx = x W_ih^T + b_ih and gh = h W_hh^T + b_hh are (N, G*H), G gate blocks of H columns;
    `direct` are the state entries the step reads besides gh. The new state is h' (one
    Variable) or (h', c'). A subclass declares:

    * `num_gates`: G, so weight_hh is (G*H, H);
    * `num_states`: how many arrays the state holds, 1 (h) or 2 (h, c);
    * `direct_state_indices`: which state entries the step reads directly (the LSTM's c,
      the GRU's h; none for Elman, where h enters only through gh);
    * `separate_recurrent_bias`: True when b_hh cannot be folded into gx (GRU: r scales it);
    * `step_on_arrays(gx, gh, direct) -> (new state tuple, cache)`: the step on plain arrays;
    * `grad_on_arrays(cache, grads, out=None) -> (d_gx, d_gh, d_direct)`: its gradient on
      arrays from the gradients of the new state; d_gx is written into `out` when given;
    * `backward`: (d_gx, d_gh, *d_direct) through a grad Function whose own backward is
      written with differentiable ops (so second derivatives work).

    The step Function, its grad Function and the whole-sequence Recurrence all run the two
    array functions: the math lives in one place.
    """

    num_gates = num_states = None
    direct_state_indices = ()
    separate_recurrent_bias = False

    @staticmethod
    def step_on_arrays(gx, gh, direct):
        raise NotImplementedError

    @staticmethod
    def grad_on_arrays(cache, grads, out=None):
        raise NotImplementedError

    def forward(self, gx, gh, *direct):
        new, self.cache = self.step_on_arrays(gx, gh, direct)
        return new[0] if len(new) == 1 else new


__all__ = ["RecurrentStep"]
