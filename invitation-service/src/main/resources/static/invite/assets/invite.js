// The forms of the /invite pages and of the account emails' pages. The invitation service never calls the identity
// service; this script does, from the visitor's browser (the identity service allows this origin through CORS):
// - sign-up and login: sign up (with the invitation token), log in, hand the access token to this service
//   (POST /invite/session, which keeps it in an HttpOnly cookie), then go back to the invitation;
// - verify-email, account-setup and password-reset (/verify-email, /account-setup, /password-reset): redeem the
//   email's token (with the new password for a set-up or reset), then say that it is done.
'use strict';

(function () {
  const form = document.querySelector('form[data-identity-action]');
  if (!form) {
    return;
  }
  const settings = form.dataset;
  const submit = form.querySelector('button[type=submit]');
  const formError = form.querySelector('#form-error');

  const messages = {
    email_taken: 'An account with this address exists already.',
    invalid_credentials: 'The email or password is wrong.',
    validation_failed: 'Please correct the marked fields.',
    email_mismatch: 'This invitation was sent to another address than this one.',
    invitation_required: 'Signing up needs a valid invitation.',
    rate_limited: 'Too many attempts. Wait a moment, then try again.',
    unreachable: 'The sign-in service cannot be reached. Check your connection and try again.',
    csrf_refused: 'This page has expired. Reload it and try again.',
    session_refused: 'Your login could not be confirmed. Try again.',
    token_not_found: 'This link does not work: it was used already, or a newer email replaced it.',
    token_expired: 'This link has expired. Ask for a new email.',
    unexpected: 'Something went wrong. Try again.'
  };

  class Problem extends Error {
    constructor(code, detail, errors) {
      super(detail || messages[code] || messages.unexpected);
      this.code = code;
      this.errors = Array.isArray(errors) ? errors : [];
    }
  }

  async function callIdentity(path, body) {
    let response;
    try {
      response = await fetch(settings.identityUrl + path, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json, application/problem+json' },
        body: JSON.stringify(body)
      });
    } catch (networkError) {
      throw new Problem('unreachable');
    }
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Problem(payload.code || 'unexpected', payload.detail, payload.errors);
    }
    return payload;
  }

  // This page was served for a token the invitation service knows; identity learns of invitations from Kafka, so
  // right after the invitation was sent it may answer invitation_not_found for a while: ask again, up to ~15 s.
  async function signUp(body) {
    const waits = [250, 500, 1000, 2000, 3000, 4000, 4000];
    for (let attempt = 0; ; attempt++) {
      try {
        return await callIdentity('/api/v1/auth/sign-up', body);
      } catch (problem) {
        if (!(problem instanceof Problem) || problem.code !== 'invitation_not_found' || attempt >= waits.length) {
          throw problem;
        }
        await new Promise((resolve) => setTimeout(resolve, waits[attempt]));
      }
    }
  }

  async function startSession(accessToken) {
    const body = new URLSearchParams();
    body.append('accessToken', accessToken);
    body.append(settings.csrfParameter, settings.csrfToken);
    const response = await fetch('/invite/session', { method: 'POST', credentials: 'same-origin', body: body });
    if (response.status === 403) {
      throw new Problem('csrf_refused', messages.csrf_refused);
    }
    if (!response.ok) {
      throw new Problem('session_refused', messages.session_refused);
    }
  }

  function clearErrors() {
    formError.hidden = true;
    formError.textContent = '';
    form.querySelectorAll('[data-error-for]').forEach((element) => {
      element.hidden = true;
      element.textContent = '';
    });
    form.querySelectorAll('[aria-invalid]').forEach((element) => element.removeAttribute('aria-invalid'));
  }

  function show(problem) {
    let unplaced = [];
    problem.errors.forEach((error) => {
      const slot = form.querySelector('[data-error-for="' + CSS.escape(String(error.field)) + '"]');
      if (slot) {
        slot.textContent = error.message;
        slot.hidden = false;
        const input = form.querySelector('#' + CSS.escape(String(error.field)));
        if (input) {
          input.setAttribute('aria-invalid', 'true');
        }
      } else {
        unplaced.push(error.field + ' ' + error.message);
      }
    });
    formError.textContent = [messages[problem.code] || problem.message].concat(unplaced).join(' ');
    formError.dataset.code = problem.code;
    if (problem.code === 'email_taken' && settings.identityAction === 'sign-up') {
      const login = document.createElement('a');
      login.href = '/invite/login';
      login.id = 'login-instead';
      login.textContent = 'Log in instead';
      formError.append(' ', login);
    }
    formError.hidden = false;
  }

  // The token of a verification or set-up email, redeemed once: the form gives way to the confirmation.
  async function redeemAccountToken(values) {
    if (settings.identityAction === 'verify-email') {
      await callIdentity('/api/v1/auth/verify-email', { token: settings.accountToken });
    } else {
      if (values.password !== values.passwordConfirmation) {
        throw new Problem('validation_failed', null,
          [{ field: 'passwordConfirmation', message: 'does not match the password' }]);
      }
      const path = settings.identityAction === 'password-reset' ? '/api/v1/auth/password-reset/confirm' : '/api/v1/auth/account-setup';
      await callIdentity(path, { token: settings.accountToken, password: values.password });
    }
    form.hidden = true;
    document.getElementById('done').hidden = false;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const values = Object.fromEntries(new FormData(form).entries());
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      if (['verify-email', 'account-setup', 'password-reset'].includes(settings.identityAction)) {
        await redeemAccountToken(values);
        return;
      }
      if (settings.identityAction === 'sign-up') {
        await signUp({
          email: values.email,
          password: values.password,
          firstName: values.firstName,
          lastName: values.lastName,
          invitationToken: settings.invitationToken
        });
      }
      const token = await callIdentity('/api/v1/auth/token', { email: values.email, password: values.password });
      await startSession(token.accessToken);
      window.location.assign(settings.continueUrl);
    } catch (problem) {
      show(problem instanceof Problem ? problem : new Problem('unexpected'));
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}());
