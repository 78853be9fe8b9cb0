/*
 * The authority rules and the arbiter's decision, as a Promela model for spin
 * (docs/authority.md, "Model-checked"; decision 1012). It transcribes
 * AuthorityRules.deny/accepted/tick/crewOverride and CommandArbiter.decide: the
 * audit-room check, the authority rules, the safe-mode filter and the execution checks
 * that can refuse (a latched hatch fault, a crew-asked safe mode). Keep it in step with
 * those two files: scripts/model-check runs it in `make test`.
 *
 * Abstractions: one hatch stands for every hatch between the crew and the return
 * vehicle (the crew may always open any hatch, so one is enough); a second stands for a
 * hatch of a module where crew are (crew may close it at any time); the lease's expiry
 * is an environment event that may happen at any cycle; the override switch, hatch
 * faults and a full audit channel come and go at any time. Validation (unknown ids) is
 * left out: it depends only on the command's own text. The crew activity commands
 * (crew_activity_start, a crew safety command; crew_activity_end, the crew's alone) are
 * left out too: they change none of the state below (decision 1306).
 *
 * Checked in every reachable state, whatever every principal has sent before:
 *  - the crew's stop_all_drones, enter_safe_mode, drone_disarm, hatch_open,
 *    hatch_clear_fault, lease_end and control_grab would be accepted now, and the
 *    crew's hatch_open is refused only for a latched hatch fault, which the crew's
 *    hatch_clear_fault (always accepted) clears: the invariant;
 *  - at the end of a cycle in which the arbiter read the override switch active,
 *    ground holds no control, and no ground command is accepted while it is active;
 *  - a safe mode the crew asked for is cleared only by the crew;
 *  - autonomy never closes the crew's way home (the arbiter's crew interlock), and only
 *    the crew approves or aborts a leak isolation (the crew's isolation_abort is always
 *    accepted), and only the crew acknowledge an alarm (the crew's alarm_acknowledge is
 *    always accepted: the arbiter's "no alarm on that module" check is left out with
 *    validation, as it depends on the leak watch, not on who sent it);
 *  - after stop_all_drones autonomy arms, drives and sends out no drone until a
 *    scan_resume, and only the crew resumes what the crew stopped.
 */

mtype = { NOBODY, CREW, GROUND };                       /* control token holder */
mtype = { P_CREW, P_GROUND, P_AUTONOMY, P_LOCAL };      /* principals */
mtype = { OK, BUSY, AUTHORITY, EXECUTION };             /* results */
mtype = {                                               /* commands */
  STOP_ALL, ENTER_SAFE, CLEAR_SAFE, DISARM, ARM, PULSE,
  HATCH_OPEN, HATCH_CLOSE_CREW, HATCH_CLOSE_OTHER, HATCH_STOP, HATCH_CLEAR_FAULT,
  ORDER_HOLD, ORDER_GO, SCAN, CTRL_REQUEST, CTRL_GRAB, CTRL_RELEASE, LEASE_TAKE, LEASE_END,
  ISO_APPROVE, ISO_ABORT, SCAN_RESUME, ALARM_ACK
};

mtype holder = CREW;
bool leaseRunning = false;   /* ground's lease has not expired (leaseExpiry > now) */
bool overrideActive = false; /* the switch as the arbiter last read it */
bool overrideInput = false;  /* the switch itself */
bool safe = false;           /* the safety latch */
bool crewAskedSafe = false;
bool hatchFault = false;     /* the way-home hatch has a latched fault */
bool auditFull = false;      /* no room for a command's audited event */
byte stopped = 0;            /* drones stopped by stop_all_drones: 0 no, 1 by the crew, 2 by another */

/* AuthorityRules.isCrewSafetyCommand */
inline crewSafety(c, yes) {
  yes = (c == STOP_ALL || c == ENTER_SAFE || c == DISARM || c == LEASE_END || c == CTRL_GRAB || c == SCAN || c == ORDER_HOLD || c == HATCH_OPEN || c == HATCH_STOP || c == HATCH_CLEAR_FAULT || c == HATCH_CLOSE_CREW || c == ISO_ABORT)
}

/* AuthorityRules.deny: denied = true when the rules refuse. (SCAN stands for scan_pause
 * in the crew's safety list; other scan commands need control like any command.) */
inline deny(p, c, denied) {
  crewSafety(c, safetyCommand);
  if
  :: c == SCAN_RESUME && stopped != 0 && p == P_AUTONOMY -> denied = true
  :: c == SCAN_RESUME && stopped == 1 && p != P_CREW -> denied = true
  :: p == P_AUTONOMY && stopped != 0 && (c == ARM || c == PULSE || c == ORDER_GO) -> denied = true
  :: else ->
  if
  :: p == P_CREW ->
     if
     :: safetyCommand -> denied = false
     :: else ->
        if
        :: c == LEASE_TAKE -> denied = true
        :: c == ALARM_ACK -> denied = false
        :: c == ISO_APPROVE -> denied = (holder == GROUND)
        :: c == CTRL_REQUEST -> denied = (holder == GROUND)
        :: c == CTRL_RELEASE -> denied = (holder != CREW)
        :: else -> denied = (holder != CREW)
        fi
     fi
  :: p == P_GROUND ->
     if
     :: c == ISO_APPROVE || c == ISO_ABORT || c == ALARM_ACK -> denied = true
     :: c == LEASE_TAKE -> denied = overrideActive
     :: c == CTRL_REQUEST || c == CTRL_GRAB -> denied = true
     :: else -> denied = !(holder == GROUND && leaseRunning)
     fi
  :: p == P_AUTONOMY ->
     denied = (c == CTRL_REQUEST || c == CTRL_GRAB || c == CTRL_RELEASE || c == LEASE_TAKE || c == LEASE_END || c == ISO_APPROVE || c == ISO_ABORT || c == ALARM_ACK)
  :: p == P_LOCAL ->
     if
     :: c == ISO_APPROVE || c == ISO_ABORT || c == ALARM_ACK -> denied = true
     :: c == LEASE_TAKE || c == CTRL_GRAB -> denied = true
     :: c == CTRL_REQUEST -> denied = (holder != NOBODY)
     :: else -> denied = (holder != CREW)
     fi
  fi
  fi
}

/* CommandArbiter.decide without its effects: the result the arbiter would give now. */
inline judge(p, c, result) {
  if
  :: auditFull && p != P_CREW -> result = BUSY
  :: else ->
     deny(p, c, denied);
     if
     :: denied -> result = AUTHORITY
     /* the crew interlock (CrewInterlock): autonomy never closes the hatch that joins the
      * crew's module to the return vehicle (the crew's hatch stands for it) */
     :: !denied && p == P_AUTONOMY && c == HATCH_CLOSE_CREW -> result = AUTHORITY
     :: else ->
        if
        :: c == CLEAR_SAFE || c == ENTER_SAFE || c == DISARM || c == STOP_ALL -> allowedInSafe = true
        :: (c == CTRL_REQUEST || c == CTRL_GRAB || c == CTRL_RELEASE || c == LEASE_TAKE || c == LEASE_END) -> allowedInSafe = true
        :: (c == HATCH_OPEN || c == HATCH_CLOSE_CREW || c == HATCH_CLOSE_OTHER || c == HATCH_STOP || c == HATCH_CLEAR_FAULT) -> allowedInSafe = (p == P_CREW)
        :: c == ARM || c == PULSE -> allowedInSafe = false
        :: c == ORDER_HOLD -> allowedInSafe = true
        :: c == ORDER_GO -> allowedInSafe = false
        :: c == SCAN -> allowedInSafe = true
        :: c == ISO_ABORT -> allowedInSafe = true
        :: c == ISO_APPROVE -> allowedInSafe = false
        :: c == SCAN_RESUME -> allowedInSafe = true
        :: c == ALARM_ACK -> allowedInSafe = true
        fi;
        if
        :: safe && !allowedInSafe -> result = EXECUTION
        :: c == CLEAR_SAFE && crewAskedSafe && p != P_CREW -> result = AUTHORITY
        :: (c == HATCH_OPEN || c == HATCH_CLOSE_CREW || c == HATCH_CLOSE_OTHER) && hatchFault -> result = EXECUTION
        :: else -> result = OK
        fi
     fi
  fi
}

/* AuthorityRules.change: a holder other than ground ends the lease. */
inline change(to) {
  holder = to;
  if
  :: to != GROUND -> leaseRunning = false
  :: else -> skip
  fi
}

/* The effects of an accepted command (CommandArbiter.decide, AuthorityRules.accepted). */
inline apply(p, c) {
  if
  :: c == ENTER_SAFE -> safe = true; if :: p == P_CREW -> crewAskedSafe = true :: else -> skip fi
  :: c == STOP_ALL -> if :: p == P_CREW -> stopped = 1 :: stopped != 1 && p != P_CREW -> stopped = 2 :: else -> skip fi
  :: c == SCAN_RESUME -> stopped = 0
  :: c == CLEAR_SAFE -> crewAskedSafe = false; safe = false
  :: c == HATCH_CLEAR_FAULT -> hatchFault = false
  :: c == LEASE_TAKE -> leaseRunning = true; change(GROUND)
  :: c == LEASE_END -> if :: holder == GROUND -> change(CREW) :: else -> skip fi
  :: c == CTRL_GRAB -> change(CREW)
  :: c == CTRL_RELEASE -> if :: p == P_GROUND -> change(CREW) :: else -> change(NOBODY) fi
  :: c == CTRL_REQUEST -> if :: holder == NOBODY -> change(CREW) :: else -> skip fi
  :: else -> skip
  fi
}

/* Any command from any principal. */
inline anyRequest(p, c) {
  if
  :: p = P_CREW :: p = P_GROUND :: p = P_AUTONOMY :: p = P_LOCAL
  fi;
  if
  :: c = STOP_ALL :: c = ENTER_SAFE :: c = CLEAR_SAFE :: c = DISARM :: c = ARM :: c = PULSE
  :: c = HATCH_OPEN :: c = HATCH_CLOSE_CREW :: c = HATCH_CLOSE_OTHER :: c = HATCH_STOP
  :: c = HATCH_CLEAR_FAULT :: c = ORDER_HOLD :: c = ORDER_GO :: c = SCAN :: c = CTRL_REQUEST
  :: c = CTRL_GRAB :: c = CTRL_RELEASE :: c = LEASE_TAKE :: c = LEASE_END
  :: c = ISO_APPROVE :: c = ISO_ABORT :: c = SCAN_RESUME :: c = ALARM_ACK
  fi
}

/* The invariant, asked of the state as it is (no effects). */
inline crewCanAlways() {
  judge(P_CREW, STOP_ALL, r); assert(r == OK);
  judge(P_CREW, ENTER_SAFE, r); assert(r == OK);
  judge(P_CREW, DISARM, r); assert(r == OK);
  judge(P_CREW, LEASE_END, r); assert(r == OK);
  judge(P_CREW, CTRL_GRAB, r); assert(r == OK);
  judge(P_CREW, HATCH_CLEAR_FAULT, r); assert(r == OK);
  judge(P_CREW, ISO_ABORT, r); assert(r == OK);
  judge(P_CREW, ALARM_ACK, r); assert(r == OK);
  judge(P_CREW, HATCH_OPEN, r); assert(r == OK || (r == EXECUTION && hatchFault));
  judge(P_CREW, HATCH_CLOSE_CREW, r); assert(r == OK || (r == EXECUTION && hatchFault))
}

/* The environment: the switch, lease expiry, hatch faults and audit room change at any
 * time between commands. */
active proctype Environment() {
  do
  :: overrideInput = !overrideInput
  :: leaseRunning = false              /* the lease's expiry passes */
  :: hatchFault = true                 /* a jam latches the fault */
  :: auditFull = !auditFull
  od
}

/* The arbiter's actuator cycle: read the switch, the rules' tick, then one command. */
active proctype Arbiter() {
  mtype p, c, result, r;
  bool safetyCommand, denied, allowedInSafe;  /* the inlines' scratch */
  do
  :: atomic {
       /* readOverrideSwitch: an edge to active hands control to the crew at once */
       if
       :: overrideInput != overrideActive ->
          overrideActive = overrideInput;
          if :: overrideActive && holder != CREW -> change(CREW) :: else -> skip fi
       :: else -> skip
       fi;
       /* policy.tick: an expired lease hands control back to the crew */
       if :: holder == GROUND && !leaseRunning -> change(CREW) :: else -> skip fi;
       crewCanAlways();
       anyRequest(p, c);
       judge(p, c, result);
       if
       :: result == OK ->
          /* safe mode the crew asked for is the crew's to clear */
          assert(!(c == CLEAR_SAFE && crewAskedSafe && p != P_CREW));
          /* while the switch is on, nothing from ground is accepted */
          assert(!(overrideActive && p == P_GROUND));
          /* autonomy never cuts the crew off; only the crew approves or aborts an isolation */
          assert(!(p == P_AUTONOMY && c == HATCH_CLOSE_CREW));
          assert(!((c == ISO_APPROVE || c == ISO_ABORT) && p != P_CREW));
          /* only the crew acknowledge an alarm (and the crew's is always accepted) */
          assert(!(c == ALARM_ACK && p != P_CREW));
          /* stopped drones stay down: autonomy flies none, and only the crew ends a crew stop */
          assert(!(stopped != 0 && p == P_AUTONOMY && (c == ARM || c == PULSE || c == ORDER_GO)));
          assert(!(c == SCAN_RESUME && stopped == 1 && p != P_CREW));
          apply(p, c)
       :: else -> skip
       fi;
       /* at the end of the cycle: the switch read active means ground holds nothing */
       assert(!(overrideActive && holder == GROUND));
       crewCanAlways()
     }
  od
}
