import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useCallback, useRef, useState } from 'react';
import { describe, expect, it } from 'vitest';

import { useDismissOnOutside } from './useDismissOnOutside';

function Popover() {
  const [open, setOpen] = useState(true);
  const close = useCallback(() => {
    setOpen(false);
  }, []);
  const popoverRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  useDismissOnOutside(open, close, popoverRef, buttonRef);
  return (
    <div>
      <button
        ref={buttonRef}
        onClick={() => {
          setOpen(true);
        }}
      >
        Menu
      </button>
      {open && (
        <div ref={popoverRef} role="menu">
          <span>Inside</span>
        </div>
      )}
      <p>Elsewhere</p>
    </div>
  );
}

describe('useDismissOnOutside', () => {
  it('stays open on a press inside, closes on a press outside', async () => {
    const user = userEvent.setup();
    render(<Popover />);
    await user.click(screen.getByText('Inside'));
    expect(screen.getByRole('menu')).toBeInTheDocument();
    await user.click(screen.getByText('Elsewhere'));
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
  });

  it('closes on Escape and gives the focus back to its button', async () => {
    const user = userEvent.setup();
    render(<Popover />);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Menu' })).toHaveFocus();
  });
});
