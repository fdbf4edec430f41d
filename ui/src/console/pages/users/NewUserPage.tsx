// New User > Customer, exactly as the guide walks through it: the customer's details and how
// their password is set, Next, the groups (only when the organization has some), Finish, and a
// summary. The customer and their memberships are created by ONE request, so a failure leaves
// nothing half made. The email (format and taken) and the temporary password (the organization's
// policy, asked of the server) are checked as soon as their field is left, and again before Next;
// Finish stays the final word. Unfinished work survives a reload and Back (wizard-draft.ts, never
// the password), and leaving the page with unsaved input asks first.

import { useEffect, useRef, useState, type FocusEvent } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, Paper, Stack, Stepper } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { LoadingState } from '../../../components/states.tsx';
import { CustomerDetailsStep } from './CustomerDetailsStep.tsx';
import { GroupsStep, type ChosenGroup } from './GroupsStep.tsx';
import { OnboardingSummary } from './OnboardingSummary.tsx';
import { checkPassword, createCustomer, emailTaken, useHasGroups, usePasswordRules, type NewCustomer, type OnboardingResult } from './new-user-api.ts';
import { EMAIL_TAKEN, emailProblem, generatePassword, nameProblem, passwordProblem, submitErrors, type FieldErrors } from './new-user-form.ts';
import { usersListKey } from './users-query.ts';
import { newIdempotencyKey } from '../../../api/idempotency-key.ts';
import { useLeaveWarning } from '../../../components/use-leave-warning.ts';
import { clearDraft, hasInput, readDraft, saveDraft } from './wizard-draft.ts';

/**
 * Whether the field is left for Next or Finish (which check it themselves) or for Cancel (which
 * drops it): a message shown on blur would move that button away between the press and the
 * release, and the click would be lost.
 */
const leavingForSubmit = (event: FocusEvent<HTMLInputElement>) => {
  const target = event.relatedTarget;
  return (target instanceof HTMLButtonElement && target.type === 'submit') || target instanceof HTMLAnchorElement;
};

const EMPTY: NewCustomer = { email: '', givenName: '', familyName: '', method: 'invite', password: '', groupIds: [] };

type Step = 'details' | 'groups' | 'done';

export default function NewUserPage() {
  const queryClient = useQueryClient();
  const rules = usePasswordRules();
  const hasGroups = useHasGroups();
  const vertical = useMediaQuery('(max-width: 36em)', window.matchMedia('(max-width: 36em)').matches, { getInitialValueInEffect: false });

  // Read once, on load: what a reload or Back left of this organization's unfinished run.
  const [draft] = useState(readDraft);
  const [values, setValues] = useState<NewCustomer>(() => (draft ? { ...draft.values, password: '' } : EMPTY));
  const [chosenGroups, setChosenGroups] = useState<ChosenGroup[]>(() => draft?.chosenGroups ?? []);
  const [errors, setErrors] = useState<FieldErrors>({});
  // A run whose temporary password was dropped goes back to the step that asks for it.
  const [step, setStep] = useState<Step>(() => (draft?.passwordDropped && draft.values.method === 'temporary' ? 'details' : (draft?.step ?? 'details')));
  // Says so next to the field until a password is typed again.
  const [passwordDropped, setPasswordDropped] = useState(() => draft?.passwordDropped === true && draft.values.method === 'temporary');
  const [checkingEmail, setCheckingEmail] = useState(false);
  const [result, setResult] = useState<OnboardingResult | null>(null);

  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const summaryRef = useRef<HTMLHeadingElement>(null);
  const groupsRef = useRef<HTMLDivElement>(null);
  // One Idempotency-Key per wizard run: the server answers a repeated Finish with the first answer.
  // Kept with the draft, so a reload after a Finish whose answer was lost replays that Finish.
  const idempotencyKey = useRef(draft?.idempotencyKey ?? newIdempotencyKey());
  // Set from the first click or Enter until its work ends: a second one in the same instant comes
  // before React has re-rendered the button as disabled, so state alone cannot stop it.
  const submitting = useRef(false);
  // The email whose availability was last confirmed, so Next does not ask twice.
  const checkedEmail = useRef<{ email: string; taken: boolean } | null>(null);

  const minLength = rules.data?.minLength ?? 8;
  const mustChange = rules.data?.mustChange ?? true;
  const withGroups = hasGroups.data === true;
  const unsaved = step !== 'done' && hasInput(values, chosenGroups);

  useLeaveWarning(unsaved);

  // The draft follows every change; a finished or emptied run leaves none.
  useEffect(() => {
    if (step !== 'done' && hasInput(values, chosenGroups)) saveDraft(step, values, chosenGroups, idempotencyKey.current, passwordDropped && !values.password);
    else clearDraft();
  }, [step, values, chosenGroups, passwordDropped]);

  // The groups step of a draft is only there if the organization (still) has groups.
  useEffect(() => {
    if (hasGroups.data === false && step === 'groups') setStep('details');
  }, [hasGroups.data, step]);

  // The latest password, for a policy answer that comes back after the field changed again.
  const currentPassword = useRef(values.password);
  currentPassword.current = values.password;

  // Each step starts where a keyboard or screen-reader user expects: at its content.
  useEffect(() => {
    if (step === 'done') summaryRef.current?.focus();
    if (step === 'groups') groupsRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [step]);

  const change = (changes: Partial<NewCustomer>) => {
    setValues((current) => ({ ...current, ...changes }));
    if (changes.password) setPasswordDropped(false);
    // An error goes once its field changes.
    setErrors((current) => {
      const next = { ...current, form: undefined };
      for (const key of Object.keys(changes)) delete next[key as keyof FieldErrors];
      if ('method' in changes) delete next.password;
      return next;
    });
  };

  async function isTaken(email: string): Promise<boolean> {
    const canonical = email.trim().toLowerCase();
    if (checkedEmail.current?.email === canonical) return checkedEmail.current.taken;
    setCheckingEmail(true);
    try {
      const taken = await emailTaken(canonical);
      checkedEmail.current = { email: canonical, taken };
      return taken;
    } finally {
      setCheckingEmail(false);
    }
  }

  const onEmailBlur = (event: FocusEvent<HTMLInputElement>) => {
    if (!values.email.trim() || leavingForSubmit(event)) return;
    const problem = emailProblem(values.email);
    if (problem) return setErrors((current) => ({ ...current, email: problem }));
    // A quiet early warning; Next checks again in any case.
    isTaken(values.email)
      .then((taken) => taken && setErrors((current) => ({ ...current, email: EMAIL_TAKEN })))
      .catch(() => undefined);
  };

  const onPasswordBlur = (event: FocusEvent<HTMLInputElement>) => {
    const password = values.password;
    if (!password || leavingForSubmit(event)) return;
    const problem = passwordProblem(password, values.email, minLength);
    if (problem) return setErrors((current) => ({ ...current, password: problem }));
    // The rules only the server knows (how guessable it is); a failed check stays quiet, as Finish checks anyway.
    checkPassword(password, values.email)
      .then((answer) => {
        if (!answer.acceptable && currentPassword.current === password) setErrors((current) => ({ ...current, password: answer.problems[0] }));
      })
      .catch(() => undefined);
  };

  function localErrors(): FieldErrors {
    const found: FieldErrors = {
      email: emailProblem(values.email),
      givenName: nameProblem(values.givenName, 'First Name'),
      familyName: nameProblem(values.familyName, 'Last Name'),
      password: values.method === 'temporary' ? passwordProblem(values.password, values.email, minLength) : undefined,
    };
    return Object.fromEntries(Object.entries(found).filter(([, message]) => message)) as FieldErrors;
  }

  function focusFirstError(found: FieldErrors) {
    if (found.email) emailRef.current?.focus();
    else if (found.password) passwordRef.current?.focus();
  }

  const create = useMutation({
    mutationFn: () => createCustomer({ ...values, groupIds: chosenGroups.map((group) => group.id) }, idempotencyKey.current),
    onSuccess: (answer) => {
      clearDraft();
      setResult(answer);
      setStep('done');
      void queryClient.invalidateQueries({ queryKey: usersListKey });
      void queryClient.invalidateQueries({ queryKey: ['groups'] });
    },
    onError: (error) => {
      const found = submitErrors(error);
      if (found.email) checkedEmail.current = null;
      setErrors(found);
      // Back to the step that holds the field in question.
      if (found.groups && withGroups) setStep('groups');
      else if (found.email || found.password || found.givenName || found.familyName) {
        setStep('details');
        setTimeout(() => focusFirstError(found), 0);
      }
    },
  });

  const [advancing, setAdvancing] = useState(false);
  async function next() {
    const found = localErrors();
    if (Object.keys(found).length === 0) {
      setAdvancing(true);
      try {
        if (await isTaken(values.email)) found.email = EMAIL_TAKEN;
      } catch {
        // The check is a courtesy: if it cannot run, the create itself still refuses a taken email.
      } finally {
        setAdvancing(false);
      }
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirstError(found);
    if (withGroups) setStep('groups');
    else await finish();
  }

  // Errors are shown by the mutation's onError; awaiting keeps the guard up until the answer.
  const finish = () => create.mutateAsync().then(() => undefined, () => undefined);

  async function submit() {
    if (submitting.current) return;
    submitting.current = true;
    try {
      if (step === 'details') await next();
      else if (step === 'groups') await finish();
    } finally {
      submitting.current = false;
    }
  }

  const restart = () => {
    clearDraft();
    setPasswordDropped(false);
    setValues(EMPTY);
    setChosenGroups([]);
    setErrors({});
    setResult(null);
    checkedEmail.current = null;
    // A new wizard run is a new customer: a new key.
    idempotencyKey.current = newIdempotencyKey();
    create.reset();
    setStep('details');
    setTimeout(() => emailRef.current?.focus(), 0);
  };

  if (rules.isPending || hasGroups.isPending) return <LoadingState label="Loading…" />;

  const steps: Step[] = withGroups ? ['details', 'groups', 'done'] : ['details', 'done'];
  const active = steps.indexOf(step);
  const busy = advancing || create.isPending;

  const details = (
    <CustomerDetailsStep
      values={values}
      errors={errors}
      onChange={change}
      onEmailBlur={onEmailBlur}
      onPasswordBlur={onPasswordBlur}
      passwordDropped={passwordDropped}
      checkingEmail={checkingEmail}
      minLength={minLength}
      mustChange={mustChange}
      onGeneratePassword={() => change({ password: generatePassword() })}
      emailRef={emailRef}
      passwordRef={passwordRef}
    />
  );

  return (
    <Stack gap="md" maw={720}>
      <Anchor component={Link} to="/users" size="sm">
        ← Users
      </Anchor>
      <PageHeader title="New customer" description="Add a customer who can sign in to your organization’s applications." />
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }}>
        <form
          noValidate
          aria-label="New customer"
          onSubmit={(event) => {
            event.preventDefault();
            if (busy) return;
            void submit();
          }}
        >
          <Stepper active={active} size="sm" orientation={vertical ? 'vertical' : 'horizontal'} allowNextStepsSelect={false}>
            <Stepper.Step label="Customer details" description="Email, name and password" allowStepSelect={false}>
              <Stack gap="md" mt="md">
                {details}
              </Stack>
            </Stepper.Step>
            {withGroups && (
              <Stepper.Step label="Groups" description="Optional" allowStepSelect={false}>
                <Stack gap="md" mt="md" ref={groupsRef}>
                  <GroupsStep chosen={chosenGroups} onChange={setChosenGroups} error={errors.groups} />
                </Stack>
              </Stepper.Step>
            )}
            <Stepper.Completed>
              {result && (
                <Stack mt="md">
                  <OnboardingSummary
                    result={result}
                    email={values.email.trim().toLowerCase()}
                    name={[values.givenName.trim(), values.familyName.trim()].filter(Boolean).join(' ')}
                    groups={chosenGroups}
                    mustChange={mustChange}
                    onAnother={restart}
                    headingRef={summaryRef}
                  />
                </Stack>
              )}
            </Stepper.Completed>
          </Stepper>
          {errors.form && (
            <Alert color="red" role="alert" title="The customer was not created" mt="md">
              {errors.form}
            </Alert>
          )}
          {step !== 'done' && (
            <Group justify="space-between" mt="xl">
              {step === 'groups' ? (
                <Button variant="default" onClick={() => setStep('details')} disabled={busy}>
                  Back
                </Button>
              ) : (
                <Button component={Link} to="/users" variant="default" onClick={clearDraft}>
                  Cancel
                </Button>
              )}
              <Button type="submit" loading={busy}>
                {step === 'details' && withGroups ? 'Next' : 'Finish'}
              </Button>
            </Group>
          )}
        </form>
      </Paper>
    </Stack>
  );
}
