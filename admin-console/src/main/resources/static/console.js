// The console's own script: the CSRF header on htmx requests, address chips on the invite page, instants in the
// viewer's time zone and copying an invitation link's address. The pages work without it (plain forms), only less comfortably.
(function () {
  'use strict';

  document.addEventListener('htmx:configRequest', function (event) {
    var token = document.querySelector('meta[name=csrf-token]');
    var header = document.querySelector('meta[name=csrf-header]');
    if (token && header) {
      event.detail.headers[header.content] = token.content;
    }
  });

  // explicit parts, not dateStyle/timeStyle: those cannot be combined with timeZoneName
  var LOCAL_TIME = {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short'};

  function localTimes(root) {
    root.querySelectorAll('time[data-local]').forEach(function (time) {
      var instant = new Date(time.getAttribute('datetime'));
      if (!isNaN(instant)) {
        // the zone's name is shown: an admin comparing with an invitee abroad sees which clock the time is on
        time.textContent = instant.toLocaleString(undefined, LOCAL_TIME);
        time.title = time.getAttribute('datetime') + ' (UTC)';
      }
    });
  }

  // the forms' end dates are days on the viewer's calendar: the server turns a day into an instant in this zone, and
  // a field showing an existing end shows its last day on this calendar too (the server filled it in UTC)
  function viewerZone(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    root.querySelectorAll('input.viewer-zone').forEach(function (input) {
      input.value = zone;
    });
    root.querySelectorAll('input[type=date][data-ends]').forEach(function (input) {
      var end = new Date(input.getAttribute('data-ends'));
      if (!isNaN(end)) {
        var last = new Date(end.getTime() - 1);
        input.value = last.getFullYear() + '-' + String(last.getMonth() + 1).padStart(2, '0') + '-'
            + String(last.getDate()).padStart(2, '0');
        // a form tells a changed date from the one it showed (expiresOn's in shownExpiresOn, and so on): it showed this one
        var shownName = 'shown' + input.name.charAt(0).toUpperCase() + input.name.slice(1);
        var shown = input.form && input.form.querySelector('input[name=' + shownName + ']');
        if (shown) {
          shown.value = input.value;
        }
      }
    });
  }

  function chips(box) {
    var input = box.querySelector('#address');
    var count = document.getElementById('chip-count');
    var max = parseInt(box.getAttribute('data-max'), 10);

    function addresses() {
      return box.querySelectorAll('.chip input[name=emails]');
    }

    function showCount() {
      var n = addresses().length;
      count.textContent = n + ' of ' + max + ' addresses' + (n > max ? ': remove ' + (n - max) + ' before sending' : '');
      count.classList.toggle('over', n > max);
    }

    function add(text) {
      text.split(/[,;\s]+/).forEach(function (address) {
        address = address.trim();
        var taken = Array.prototype.some.call(addresses(), function (chip) { return chip.value === address; });
        if (!address || taken) {
          return;
        }
        var chip = document.createElement('span');
        chip.className = 'chip';
        var label = document.createElement('span');
        label.textContent = address;
        var hidden = document.createElement('input');
        hidden.type = 'hidden';
        hidden.name = 'emails';
        hidden.value = address;
        var remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'chip-remove';
        remove.setAttribute('aria-label', 'Remove ' + address);
        remove.textContent = '\u00d7';
        chip.append(label, hidden, remove);
        box.insertBefore(chip, input);
      });
      showCount();
    }

    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ',') {
        event.preventDefault();
        add(input.value);
        input.value = '';
      } else if (event.key === 'Backspace' && input.value === '') {
        var chipsNow = box.querySelectorAll('.chip');
        if (chipsNow.length) {
          chipsNow[chipsNow.length - 1].remove();
          showCount();
        }
      }
    });
    input.addEventListener('blur', function () {
      add(input.value);
      input.value = '';
    });
    box.addEventListener('click', function (event) {
      if (event.target.classList.contains('chip-remove')) {
        event.target.closest('.chip').remove();
        showCount();
        input.focus();
      }
    });
    showCount();
  }

  // a link's address arrived beside its Copy button: select it and put it on the clipboard; where the browser refuses
  // (no permission, not a secure context), the address stays selected to copy by hand
  function copyAddress(root) {
    root.querySelectorAll('input[data-copy]').forEach(function (input) {
      var status = input.parentNode.querySelector('.copy-status');
      input.focus();
      input.select();
      function say(text) {
        if (status) {
          status.textContent = text;
        }
      }
      // said at once: a clipboard that never answers still leaves the person knowing what to do
      say('Selected: press Ctrl+C (\u2318C) to copy.');
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(function () {
          say('Copied to the clipboard.');
        }, function () {
          // refused (no permission, no focus): the selection stays, and so does the message
        });
      }
    });
  }

  // a form whose answer takes a while (a bulk CSV run): say it is working, and no second click sends it twice
  function progress(root) {
    root.querySelectorAll('form[data-progress]').forEach(function (form) {
      form.addEventListener('submit', function () {
        var note = document.getElementById(form.getAttribute('data-progress'));
        if (note) {
          note.hidden = false;
        }
        var button = form.querySelector('button[type=submit]');
        if (button) {
          // after this event: a button disabled now would not be sent with the form
          setTimeout(function () { button.disabled = true; }, 0);
        }
      });
    });
  }

  function start() {
    localTimes(document);
    viewerZone(document);
    progress(document);
    copyAddress(document);
    var box = document.getElementById('chips');
    if (box) {
      chips(box);
    }
  }

  document.addEventListener('DOMContentLoaded', start);
  document.addEventListener('htmx:afterSwap', function (event) {
    localTimes(event.detail.target.parentNode || document);
    viewerZone(event.detail.target.parentNode || document);
    copyAddress(event.detail.target);
  });
})();
